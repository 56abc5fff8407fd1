import { SearchError } from '../../errors.js';
import { constraintViolation, type Metric, type TrialMetrics } from '../../objectives/objectives.js';
import { paretoFront } from '../../pareto/non-dominated-rank.js';
import { recipeKey, type Recipe } from '@frontier/workers';
import { seenKeys, unseenRecipe } from '../propose-unique.js';
import type { Sampler, SamplerContext, SearchHistory, Trial } from '../sampler.js';
import { CandidatePool, type PoolEntry } from './candidate-pool.js';
import { expectedHypervolumeImprovement } from './ehvi.js';
import { COMPRESSES, recipeFeatures } from './recipe-features.js';
import { basisPrior, ERROR_RATE_PRIOR, Surrogate } from './surrogate.js';
import { weighCandidates, type Observation } from './weigh-candidates.js';

export interface GpOptions {
  /** A finite space this small is screened whole (in batches) and every recipe weighed. Default 1024. */
  readonly pool?: number;
  /**
   * Recipes kept to weigh when the space is larger and sampled: the newest (uniform draws and
   * mutations of the front) replace the oldest. Default 384, which keeps an ask near 20 ms late in
   * a run (every candidate costs O(n²) against n training trials).
   */
  readonly sampledPool?: number;
  /** Recipes pre-screened per ask, in one batch, until the pool is full. Default 128. */
  readonly screenPerAsk?: number;
  /**
   * Evaluated trials the surrogate trains on at most (front members first, then the most recent).
   * Default 64: prediction costs O(n²) per candidate, and 64 trials are past the point where a
   * search of expensive evaluations has found its front.
   */
  readonly maxTraining?: number;
}

/**
 * Multi-objective Bayesian optimisation that knows which objectives are free. The pre-screen
 * (`SamplerContext.screen`) gives every candidate's cheap objectives exactly — size, MACs, RAM,
 * the device's predicted latency — and rules infeasible recipes out before they are weighed; only
 * what it cannot give (accuracy, and latency measured on the host) is modelled, by a Gaussian
 * process over the recipe's compression strengths (recipe-features.ts) with a prior that accuracy
 * falls as compression strengthens (surrogate.ts). Each ask proposes the screened, unseen, feasible
 * recipe of highest expected hypervolume improvement over the evaluated front (ehvi.ts, exact for
 * the log-normal accuracy), cheap objectives entering exactly. Recipes in flight join the front
 * and the GP at their predicted value (the "kriging believer" of Ginsbourger, Le Riche, Carraro
 * 2010, "Kriging is well-suited to parallelize optimization"), so a batch spreads out.
 */
export class GpSampler implements Sampler {
  readonly name = 'gp';
  private readonly keys = new Set<string>();
  private readonly observed: Observation[] = [];
  private ingested = 0;
  private readonly pool: CandidatePool;
  private readonly accuracy = new Surrogate(basisPrior(ERROR_RATE_PRIOR));
  private readonly others = new Map<Metric, Surrogate>();
  private readonly maxTraining: number;

  constructor(
    private readonly context: SamplerContext,
    options: GpOptions = {},
  ) {
    if (!context.screen) throw new SearchError('BAD_ARGUMENT', 'sampler "gp" weighs pre-screened recipes: give it a screen (SamplerContext.screen)');
    if (!context.objectives.includes('accuracy')) {
      throw new SearchError('BAD_ARGUMENT', `sampler "gp" models accuracy: the objectives must include it, got ${context.objectives.join(', ')}`);
    }
    this.pool = new CandidatePool({ space: context.space, rng: context.rng, screen: context.screen, capacity: options.pool ?? 1024, sampledCapacity: options.sampledPool ?? 384, perGrow: options.screenPerAsk ?? 128 });
    this.maxTraining = options.maxTraining ?? 64;
  }

  async prepare(history: SearchHistory): Promise<void> {
    this.sync(history.trials);
    const seen = seenKeys(this.keys, history.pending);
    // Screen one batch; a few more while none of the screened recipes is feasible and unseen.
    for (let round = 0; round < 4 && !this.pool.complete; round++) {
      await this.pool.grow(seen, this.bestRecipes());
      if (this.pool.feasible(seen).length > 0) break;
    }
  }

  ask(history: SearchHistory): Recipe {
    this.sync(history.trials);
    const { space, rng } = this.context;
    const seen = seenKeys(this.keys, history.pending);
    const candidates = this.pool.feasible(seen);
    if (candidates.length > 0) return (this.observed.length === 0 && history.pending.length === 0 ? anchor(candidates, this.context.objectives.filter((m) => m !== 'accuracy')) : this.choose(candidates, history.pending)).recipe;
    if ((this.pool.complete || this.pool.screenedRecipes >= HOPELESS_AFTER) && this.pool.passed === 0) {
      const where = this.pool.complete ? `${space.size} screened, the whole space` : `${this.pool.screenedRecipes} screened`;
      throw new SearchError('BAD_ARGUMENT', `no recipe of the space passes the pre-screen (${where}; e.g. ${this.pool.lastViolation})`);
    }
    if (this.pool.complete) {
      throw new SearchError('SPACE_EXHAUSTED', `every recipe of the space the pre-screen lets through has been proposed (${space.size} in all)`, { size: space.size });
    }
    // Nothing screened is left (prepare was not awaited, or every screened recipe was infeasible):
    // an unscreened recipe, which the engine's own pre-screen still checks.
    return unseenRecipe(space, seen, rng);
  }

  tell(trial: Trial): void {
    this.add(trial);
  }

  private sync(trials: readonly Trial[]): void {
    for (let i = this.ingested; i < trials.length; i++) this.add(trials[i]!);
  }

  private add(trial: Trial): void {
    this.ingested++;
    this.keys.add(recipeKey(trial.recipe));
    const metrics = trial.metrics;
    if (trial.status !== 'done' || !metrics || metrics.accuracy === undefined || !this.context.space.contains(trial.recipe)) return;
    this.observed.push({ recipe: trial.recipe, features: recipeFeatures(trial.recipe), metrics, feasible: constraintViolation(metrics, this.context.constraints) === 0 });
  }

  private best: { count: number; recipes: Recipe[] } | undefined;

  /** The evaluated recipes worth mutating: the feasible front by accuracy and cheap objectives (cached until a trial arrives). */
  private bestRecipes(): Recipe[] {
    if (this.best?.count !== this.observed.length) this.best = { count: this.observed.length, recipes: this.frontRecipes() };
    return this.best.recipes;
  }

  private frontRecipes(): Recipe[] {
    const feasible = this.observed.filter((o) => o.feasible);
    const pool = feasible.length > 0 ? feasible : this.observed;
    const m = this.context.objectives.length;
    const values = new Float64Array(pool.length * m);
    pool.forEach((o, i) => this.context.objectives.forEach((metric, k) => (values[i * m + k] = minimised(o.metrics, metric))));
    return paretoFront(values, m).map((i) => pool[i]!.recipe);
  }

  private choose(candidates: readonly PoolEntry[], pending: readonly Recipe[]): PoolEntry {
    const weighed = weighCandidates({
      context: this.context,
      candidates,
      observed: this.trainingSet(),
      pending: pending.flatMap((r) => {
        const entry = this.pool.entry(recipeKey(r));
        return entry ? [entry] : [];
      }),
      accuracy: this.accuracy,
      others: this.others,
    });
    // Branch and bound: a candidate's improvement never exceeds its cost box × E[(1 − Y)⁺].
    const order = weighed.points.map((_, i) => i).sort((a, b) => weighed.bounds[b]! - weighed.bounds[a]! || a - b);
    let best = order[0]!;
    let bestValue = -1;
    for (const i of order) {
      if (weighed.bounds[i]! <= bestValue) break;
      const value = expectedHypervolumeImprovement(weighed.front, weighed.m, weighed.points[i]!);
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    return candidates[best]!;
  }

  /** At most `maxTraining` observations: the feasible front first, then the most recent. */
  private trainingSet(): readonly Observation[] {
    if (this.observed.length <= this.maxTraining) return this.observed;
    const front = new Set(this.bestRecipes().map(recipeKey));
    const chosen = this.observed.filter((o) => front.has(recipeKey(o.recipe))).slice(0, this.maxTraining);
    for (let i = this.observed.length - 1; i >= 0 && chosen.length < this.maxTraining; i--) {
      if (!front.has(recipeKey(this.observed[i]!.recipe))) chosen.push(this.observed[i]!);
    }
    return chosen;
  }
}

/**
 * Screened recipes after which, none having passed, a run is given up: the constraints leave
 * nothing (the engine gives up after 50 infeasible proposals in a row; screening is cheaper).
 */
const HOPELESS_AFTER = 512;

/**
 * The first evaluation: the least compressed candidate (smallest total compression strength) among
 * those cheaper than the costliest candidate in every cost the pre-screen gives — a recipe as
 * costly as the costliest in some objective sits on the hypervolume's reference and can add
 * nothing — which pins the accuracy the prior's intercept only guesses.
 */
function anchor(candidates: readonly PoolEntry[], costs: readonly Metric[]): PoolEntry {
  const exact = costs.filter((c) => candidates[0]!.screened.metrics[c] !== undefined);
  const max = exact.map((c) => Math.max(...candidates.map((e) => e.screened.metrics[c]!)));
  const saves = candidates.filter((e) => exact.every((c, k) => e.screened.metrics[c]! < max[k]!));
  const strength = (e: PoolEntry) => recipeFeatures(e.recipe).reduce((sum, v, j) => sum + (COMPRESSES[j] ? v : 0), 0);
  let best = (saves.length > 0 ? saves : candidates)[0]!;
  for (const e of saves.length > 0 ? saves : candidates) if (strength(e) < strength(best)) best = e;
  return best;
}

/** A metric turned into "minimise" (accuracy negated). */
function minimised(metrics: TrialMetrics, metric: Metric): number {
  const v = metrics[metric] ?? Number.POSITIVE_INFINITY;
  return metric === 'accuracy' ? -v : v;
}

