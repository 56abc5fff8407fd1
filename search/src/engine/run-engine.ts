import { Rng } from '@frontier/workers';
import { SearchError } from '../errors.js';
import { parseConstraints, parseObjectives, type Constraints } from '../objectives/objectives.js';
import { recipeKey, validateRecipe, type Recipe } from '@frontier/workers';
import { createSampler, parseSamplerConfig } from '../samplers/create-sampler.js';
import type { Sampler, Trial } from '../samplers/sampler.js';
import { defineSpace } from '../space/define-space.js';
import type { Store } from '../store/store.js';
import type { Candidate, CandidateEstimates, Model, Run } from '../store/types.js';
import { DispatchFailure, type Dispatcher } from './dispatcher.js';
import { RunEvents } from './events.js';
import { engineScreen } from './engine-screen.js';
import { screenViolations, type DeviceLimits, type PreScreen } from './screen.js';
import { candidateTrial } from './trial-metrics.js';
import { offerToFront } from './update-front.js';

export interface RunEngineOptions {
  readonly store: Store;
  readonly runId: string;
  readonly dispatcher: Dispatcher;
  /**
   * Analytic estimates of a recipe's compressed model on the run's device, computed without
   * compressing (off the event loop: in a worker). A recipe the device cannot run at all comes back
   * with `unsupported`, as data.
   */
  readonly estimate: (recipe: Recipe) => Promise<PreScreen>;
  readonly device: DeviceLimits;
  /** See `ScreenOptions.latencySlack`. Default 0. */
  readonly latencySlack?: number;
  readonly events?: RunEvents;
  /** Aborting cancels the run: nothing new starts, evaluations in flight are stopped, all found is kept. */
  readonly signal?: AbortSignal;
  /** Consecutive proposals the pre-screen rejects before the run concludes the constraints leave nothing. Default 50. */
  readonly maxInfeasibleStreak?: number;
  /** Monotonic milliseconds, for the time budget. Default `performance.now`. */
  readonly now?: () => number;
}

/**
 * Runs (or resumes) one search run to its end: asks the sampler, pre-screens each recipe
 * analytically (infeasible ones are stored, never compressed), reuses an identical earlier
 * evaluation of the same model, dataset and device, keeps the dispatcher full, stores every result
 * durably before counting it, tells the sampler, and offers each result to the stored front.
 * Resolves with the run in its final status (DONE, CANCELLED or FAILED).
 *
 * The caller requeues interrupted candidates first (`store.requeueInterrupted`); PENDING ones of
 * the run are dispatched before any new proposal, and nothing DONE is evaluated again.
 */
export async function runEngine(options: RunEngineOptions): Promise<Run> {
  return new RunEngine(options).run();
}

class RunEngine {
  private readonly o: RunEngineOptions;
  private readonly events: RunEvents;
  private readonly now: () => number;
  private readonly trials: Trial[] = [];
  /** PENDING candidates to dispatch, each with its recipe. */
  private readonly queue: { candidate: Candidate; recipe: Recipe }[] = [];
  private readonly inflight = new Map<string, { recipe: Recipe; done: Promise<void> }>();
  /** Candidates this engine moved to RUNNING and has not settled yet. */
  private readonly claimed = new Set<string>();
  private sampler!: Sampler;
  private model!: Model;
  private runRecord!: Run;
  private constraints: Constraints = {};
  private evaluated = 0;
  private feasibleFound = 0;
  private infeasibleStreak = 0;
  private exhausted = false;
  private lastViolation = '';
  private startedAt = 0;

  constructor(options: RunEngineOptions) {
    this.o = options;
    this.events = options.events ?? new RunEvents();
    this.now = options.now ?? (() => performance.now());
  }

  async run(): Promise<Run> {
    const stored = await this.o.store.getRun(this.o.runId);
    if (stored.status !== 'QUEUED' && stored.status !== 'RUNNING') return stored;
    this.runRecord = await this.o.store.updateRun({ id: stored.id, from: ['QUEUED', 'RUNNING'], to: 'RUNNING' });
    this.startedAt = this.now();
    this.events.emit({ type: 'runStatus', runId: stored.id, run: this.runRecord });
    try {
      await this.prepare();
      await this.loop();
      await Promise.allSettled([...this.inflight.values()].map((f) => f.done));
      if (!this.o.signal?.aborted) await this.completeTestAccuracy();
      return await this.finish(this.o.signal?.aborted ? 'CANCELLED' : this.conclusion());
    } catch (err) {
      await Promise.allSettled([...this.inflight.values()].map((f) => f.done));
      const message = err instanceof Error ? err.message : String(err);
      await this.releaseClaimed(message);
      return this.finish('FAILED', message);
    }
  }

  /**
   * A failed run leaves none of its candidates RUNNING: those this engine claimed and could not
   * settle become FAILED with the run's error (a store that fails again here leaves the run
   * RUNNING instead, for `requeueInterrupted` and a resume).
   */
  private async releaseClaimed(error: string): Promise<void> {
    for (const id of this.claimed) {
      await this.o.store.transitionCandidate({ id, from: 'RUNNING', to: 'FAILED', reason: `the run failed: ${error}` });
      this.claimed.delete(id);
    }
  }

  /** Rebuilds the sampler's view from the stored candidates; PENDING ones go first in the queue. */
  private async prepare(): Promise<void> {
    const run = this.runRecord;
    this.model = await this.o.store.getModel(run.modelId);
    this.constraints = parseConstraints(run.constraints);
    this.sampler = createSampler(parseSamplerConfig(run.sampler), {
      space: defineSpace(run.space),
      objectives: parseObjectives(run.objectives),
      constraints: this.constraints,
      rng: new Rng(run.seed),
      screen: engineScreen({ estimate: this.o.estimate, constraints: this.constraints, device: this.o.device, latencySlack: this.o.latencySlack ?? 0 }),
    });
    for (const c of await this.o.store.listCandidates({ runId: run.id })) {
      if (c.status === 'RUNNING') {
        throw new SearchError('BAD_ARGUMENT', `candidate ${c.id} of run ${run.id} is RUNNING: requeue interrupted candidates before resuming`);
      }
      // The store keeps recipes opaque: a stored recipe enters the engine here, once, and is checked.
      const recipe = validateRecipe(c.recipe);
      if (c.status === 'PENDING') this.queue.push({ candidate: c, recipe });
      else this.record(c, recipe);
    }
  }

  private async loop(): Promise<void> {
    for (;;) {
      while (this.mayStart()) {
        const next = this.queue.shift() ?? (await this.propose());
        if (next) this.dispatch(next.candidate, next.recipe);
      }
      if (this.inflight.size === 0) return;
      await Promise.race([...this.inflight.values()].map((f) => f.done));
    }
  }

  private mayStart(): boolean {
    if (this.o.signal?.aborted || this.inflight.size >= this.o.dispatcher.capacity) return false;
    if (this.queue.length === 0 && (this.exhausted || this.infeasibleStreak >= (this.o.maxInfeasibleStreak ?? 50))) return false;
    const { evaluations, seconds } = this.runRecord.budget;
    if (evaluations !== undefined && this.evaluated + this.inflight.size >= evaluations) return false;
    if (seconds !== undefined && this.runRecord.elapsedMs + this.now() - this.startedAt >= seconds * 1000) return false;
    return true;
  }

  /** Asks for a new recipe and settles everything that needs no evaluation; returns a candidate to dispatch. */
  private async propose(): Promise<{ candidate: Candidate; recipe: Recipe } | undefined> {
    let recipe: Recipe;
    try {
      const history = { trials: this.trials, pending: [...this.inflight.values()].map((f) => f.recipe) };
      // A sampler that weighs pre-screened candidates screens them here, before it commits to one.
      await this.sampler.prepare?.(history);
      recipe = this.sampler.ask(history);
    } catch (err) {
      if (err instanceof SearchError && err.code === 'SPACE_EXHAUSTED') {
        this.exhausted = true;
        return undefined;
      }
      throw err;
    }
    const store = this.o.store;
    const key = recipeKey(recipe);
    let estimates: CandidateEstimates;
    let violations: string[];
    try {
      const screen = await this.o.estimate(recipe);
      estimates = screen.unsupported === undefined ? screen.estimates : {};
      violations = screen.unsupported !== undefined
        ? [screen.unsupported]
        : screenViolations(estimates, { constraints: this.constraints, device: this.o.device, latencySlack: this.o.latencySlack ?? 0 });
    } catch (err) {
      const c = await store.insertCandidate({ runId: this.runRecord.id, recipe, recipeKey: key });
      this.settle(await store.transitionCandidate({ id: c.id, from: 'PENDING', to: 'FAILED', reason: `pre-screen: ${(err as Error).message}` }), recipe);
      return undefined;
    }
    if (violations.length > 0) {
      this.infeasibleStreak++;
      this.lastViolation = violations.join('; ');
      const reason = `pre-screen: ${this.lastViolation}`;
      this.settle(await store.insertCandidate({ runId: this.runRecord.id, recipe, recipeKey: key, status: 'INFEASIBLE', reason, estimates }), recipe);
      return undefined;
    }
    this.infeasibleStreak = 0;
    const reusable = await store.findReusableResult({ modelSha256: this.model.sha256, dataset: this.runRecord.dataset, deviceId: this.runRecord.deviceId, recipeKey: key });
    const candidate = await store.insertCandidate({ runId: this.runRecord.id, recipe, recipeKey: key, estimates });
    if (!reusable) return { candidate, recipe };
    const { metrics, artifactSha256, provenance } = reusable;
    this.settle(await store.recordResult({ id: candidate.id, from: 'PENDING', metrics: metrics!, artifactSha256: artifactSha256!, provenance: provenance!, reusedFrom: reusable.id }), recipe);
    return undefined;
  }

  private dispatch(candidate: Candidate, recipe: Recipe): void {
    const done = this.evaluate(candidate, recipe).finally(() => this.inflight.delete(candidate.id));
    this.inflight.set(candidate.id, { recipe, done });
  }

  private async evaluate(candidate: Candidate, recipe: Recipe): Promise<void> {
    const store = this.o.store;
    const running = await store.transitionCandidate({ id: candidate.id, from: 'PENDING', to: 'RUNNING' });
    this.claimed.add(candidate.id);
    this.events.emit({ type: 'candidateStarted', runId: this.runRecord.id, candidate: running });
    const seed = (Math.imul(this.runRecord.seed, 0x9e3779b1) + candidate.seq) >>> 0;
    try {
      const outcome = await this.o.dispatcher.evaluate(recipe, { seed, ...(this.o.signal ? { signal: this.o.signal } : {}) });
      const ref = await store.putArtifact(outcome.artifact);
      const done = await store.recordResult({ id: candidate.id, metrics: outcome.metrics, artifactSha256: ref.sha256, provenance: outcome.provenance });
      this.settle(done, recipe);
      await this.saveElapsed();
      await this.offer(done, outcome.artifact);
    } catch (err) {
      if (!(err instanceof DispatchFailure)) throw err;
      const reason = err.kind === 'cancelled' ? 'cancelled with the run' : `${err.kind}: ${err.message}`;
      this.settle(await store.transitionCandidate({ id: candidate.id, from: 'RUNNING', to: 'FAILED', reason }), recipe);
    }
  }

  /** A DONE result that fits the device joins the stored front if nothing there dominates it. */
  private async offer(done: Candidate, artifact: Uint8Array): Promise<void> {
    const m = done.metrics!;
    if (m.peakRamBytes > this.o.device.ramBytes || m.deployBytes > this.o.device.flashBytes) return;
    const key = { modelId: this.runRecord.modelId, dataset: this.runRecord.dataset, deviceId: this.runRecord.deviceId };
    const change = await offerToFront(this.o.store, key, done);
    if (!change) return;
    this.events.emit({ type: 'frontChanged', runId: this.runRecord.id, ...change });
    try {
      const accuracy = await this.o.dispatcher.evaluateTest(artifact, this.o.signal ? { signal: this.o.signal } : {});
      await this.o.store.recordTestAccuracy({ id: done.id, accuracy });
    } catch (err) {
      // Without a test figure the member stays on the front; its val accuracy is what the search used.
      if (!(err instanceof DispatchFailure)) throw err;
    }
  }

  /**
   * Front members left without their test accuracy — the process stopped between a member joining
   * the front and its test pass, or that pass failed — get it now, so a resumed run leaves no
   * member without one.
   */
  private async completeTestAccuracy(): Promise<void> {
    const key = { modelId: this.runRecord.modelId, dataset: this.runRecord.dataset, deviceId: this.runRecord.deviceId };
    const front = await this.o.store.getFront(key);
    for (const member of await this.o.store.getCandidates(front.memberIds)) {
      if (member.metrics?.accuracy.test !== undefined || !member.artifactSha256) continue;
      try {
        const accuracy = await this.o.dispatcher.evaluateTest(await this.o.store.getArtifact(member.artifactSha256), this.o.signal ? { signal: this.o.signal } : {});
        await this.o.store.recordTestAccuracy({ id: member.id, accuracy });
      } catch (err) {
        if (!(err instanceof DispatchFailure)) throw err;
      }
    }
  }

  /** Persists the time spent so far, so a time budget survives a crash and a resume. */
  private async saveElapsed(): Promise<void> {
    const elapsedMs = this.runRecord.elapsedMs + (this.now() - this.startedAt);
    await this.o.store.updateRun({ id: this.runRecord.id, from: 'RUNNING', elapsedMs });
  }

  /** Records a finished candidate: history, sampler, counters, event. */
  private settle(c: Candidate, recipe: Recipe): void {
    this.claimed.delete(c.id);
    this.record(c, recipe);
    this.events.emit({ type: 'candidateFinished', runId: this.runRecord.id, candidate: c });
  }

  private record(c: Candidate, recipe: Recipe): void {
    const trial = candidateTrial(c, recipe);
    if (!trial) return;
    this.trials.push(trial);
    this.sampler.tell(trial);
    if (c.status === 'DONE' || c.status === 'FAILED') this.evaluated++;
    if (c.status === 'DONE') this.feasibleFound++;
  }

  private conclusion(): 'DONE' | 'FAILED' {
    return this.feasibleFound === 0 && this.infeasibleStreak >= (this.o.maxInfeasibleStreak ?? 50) ? 'FAILED' : 'DONE';
  }

  private async finish(status: 'DONE' | 'CANCELLED' | 'FAILED', error?: string): Promise<Run> {
    const message =
      error ??
      (status === 'FAILED' ? `no recipe met the constraints: the last ${this.infeasibleStreak} proposals were all ruled out (${this.lastViolation})` : undefined);
    const run = await this.o.store.updateRun({
      id: this.runRecord.id,
      from: 'RUNNING',
      to: status,
      elapsedMs: this.runRecord.elapsedMs + (this.now() - this.startedAt),
      ...(message ? { error: message } : {}),
    });
    this.events.emit({ type: 'runStatus', runId: run.id, run });
    return run;
  }
}
