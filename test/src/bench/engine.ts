// `engine`: the run engine end to end on fashion-cnn for the STM32H7 — candidates per minute with 1
// and with 2 pool threads on the same fixed recipes, and what the analytic pre-screen saves under a
// tight MCU constraint (the share of proposals it ruled out, and its cost per proposal against a
// full evaluation's).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import {
  createSampler,
  DEFAULT_SPACE,
  openSqliteStore,
  SearchService,
  defineSpace,
  parseConstraints,
  parseRecipe,
  screenViolations,
  type Candidate,
  type Constraints,
  type Recipe,
} from '@frontier/search';
import {
  defaultDataDir,
  detectHostFacts,
  deviceCatalogue,
  estimateRecipe,
  findDevice,
  loadFashionMnistImages,
  readModel,
  Rng,
  zooModelPath,
  type DeviceSpec,
  type Model as OnnxModel,
} from '@frontier/workers';
import { median, type BenchRecord, type BenchSection } from './record.js';

const MODEL = 'fashion-cnn';
const DEVICE = 'stm32h7';
const SEED = 7;

/**
 * Throughput runs: a finite space walked by the grid sampler in its seeded order, so both thread
 * counts evaluate the same first `THROUGHPUT_EVALUATIONS` recipes (checked below). Distillation, the
 * costliest stage (≈ 11 s per 0.1 epoch here), is kept to 0.02 epoch (≈ 1100 images) and is in half
 * the recipes, so the mix has training as well as quantization and inference without taking minutes.
 */
const THROUGHPUT_SPACE = {
  lowRank: { rankRatio: { values: [0.25, 0.5] } },
  prune: { ratio: { values: [0.3, 0.6] }, structure: { values: ['unstructured', 'channel'] } },
  distill: { epochs: 0.02 },
  quant: { weightBits: { values: [4, 8] }, activationBits: { values: [8, 32] } },
};
const THROUGHPUT_EVALUATIONS = 16;
/** Thread counts of the throughput runs, in ABBA order so that a drift in load from elsewhere weighs on both alike. */
const THREAD_ORDER = [1, 2, 2, 1] as const;

/**
 * The pre-screen run: the default space with distillation held at the shortest of its range
 * (0.1 epoch). Distillation changes no shape, so the pre-screen rules out exactly what it would in
 * the default space; only the cost of the evaluations it lets through is lower.
 */
const SCREEN_SPACE = { ...DEFAULT_SPACE, distill: { ...DEFAULT_SPACE.distill, epochs: 0.1 } };
/**
 * A tight STM32H7 budget: under 2 ms, 64 KiB of tensor arena and 64 KiB of flash. On fashion-cnn each
 * limit sat near the lower quartile of the default space's estimates when this was chosen, so most
 * recipes break at least one; `engine.prescreen.space_ruled_out` reports the share in every run.
 */
const TIGHT = { maxLatencyMs: 2, maxRamBytes: 64 * 1024, maxFlashBytes: 64 * 1024 };
const SCREEN_EVALUATIONS = 8;
/** The event-loop delay a search may add to the main thread, which also answers API requests (p99). */
const LOOP_DELAY_LIMIT_MS = 20;
/** How long the idle control of the event-loop delay runs, before and after the throughput runs. */
const IDLE_LOOP_MS = 10_000;
/** Recipes drawn uniformly from the default space, to show the share the constraint rules out there. */
const SPACE_SAMPLE = 100;

interface Context {
  readonly modelBytes: Uint8Array;
  readonly onnx: OnnxModel;
  readonly device: DeviceSpec;
  /** Where the shared Fashion-MNIST cache lives; each run's store is elsewhere. */
  readonly datasetDir: string;
}

interface SearchOutcome {
  readonly candidates: readonly Candidate[];
  /** Wall time of `SearchService.start`: pool start to the last result stored. */
  readonly wallMs: number;
  /** CPU time of this process (every thread: engine and pool) over the same span. */
  readonly cpuMs: number;
  /** The machine's 1-minute load average when the run started. */
  readonly loadAverage: number;
  /** Event-loop delay of the main thread while the run went on (ms): what a server would add to every request. */
  readonly loopDelay: { readonly p99Ms: number; readonly maxMs: number };
}

/**
 * One search as the CLI composes it, on a fresh SQLite store in a temporary folder (opened by path,
 * not from `MONGODB_URI`), so no run can reuse another's results; datasets come from the shared cache.
 */
async function searchOnFreshStore(
  o: Context & { threads?: number; space: object; sampler: object; constraints: object; evaluations: number; seed: number },
): Promise<SearchOutcome> {
  const dir = mkdtempSync(join(os.tmpdir(), 'frontier-bench-engine-'));
  const store = await openSqliteStore({ dataDir: dir });
  try {
    const service = new SearchService({ store, dataDir: o.datasetDir, ...(o.threads !== undefined ? { threads: o.threads } : {}) });
    const device = await service.registerDevice(o.device);
    const model = await service.registerModel({ name: MODEL, bytes: o.modelBytes });
    const created = await service.createRun({
      modelId: model.id,
      deviceId: device.id,
      objectives: ['accuracy', 'latencyMs', 'deployBytes'],
      constraints: o.constraints,
      space: o.space,
      sampler: o.sampler,
      budget: { evaluations: o.evaluations },
      seed: o.seed,
    });
    const loadAverage = os.loadavg()[0]!;
    const cpu0 = process.cpuUsage();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const t0 = performance.now();
    const run = await service.start(created.id);
    const wallMs = performance.now() - t0;
    loop.disable();
    const cpu = process.cpuUsage(cpu0);
    const loopDelay = { p99Ms: loop.percentile(99) / 1e6, maxMs: loop.max / 1e6 };
    if (run.status !== 'DONE') throw new Error(`benchmark run ${run.id} ended ${run.status}: ${run.error ?? 'no error recorded'}`);
    return { candidates: await store.listCandidates({ runId: run.id }), wallMs, cpuMs: (cpu.user + cpu.system) / 1000, loadAverage, loopDelay };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const evaluated = (r: SearchOutcome) => r.candidates.filter((c) => c.status === 'DONE' || c.status === 'FAILED');
const done = (r: SearchOutcome) => r.candidates.filter((c) => c.status === 'DONE');
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const workerMs = (c: Candidate) => c.provenance!.timings['totalMs']!;

/** The runs of one thread count, pooled: rates are total candidates over total wall time. */
class Pooled {
  readonly runs: SearchOutcome[] = [];
  constructor(readonly threads: number) {}

  get candidates(): number {
    return sum(this.runs.map((r) => evaluated(r).length));
  }
  get perMinute(): number {
    return this.candidates / (sum(this.runs.map((r) => r.wallMs)) / 60_000);
  }
  /** CPU seconds this process used per candidate (engine, pool, front members' test evaluations). */
  get cpuPerCandidateS(): number {
    return sum(this.runs.map((r) => r.cpuMs)) / 1000 / this.candidates;
  }
  /** Cores the process actually got on average: CPU time over wall time. */
  get coresUsed(): number {
    return sum(this.runs.map((r) => r.cpuMs)) / sum(this.runs.map((r) => r.wallMs));
  }

  /** The worst run's p99 event-loop delay (ms). */
  get loopDelayP99Ms(): number {
    return Math.max(...this.runs.map((r) => r.loopDelay.p99Ms));
  }

  describe(): string {
    const all = this.runs.flatMap((r) => r.candidates);
    const failed = all.filter((c) => c.status === 'FAILED').length;
    const tested = all.filter((c) => c.metrics?.accuracy.test !== undefined).length;
    const walls = this.runs.map((r) => `${(r.wallMs / 1000).toFixed(1)} s (load ${r.loadAverage.toFixed(1)})`).join(', ');
    return (
      `${this.threads} thread${this.threads > 1 ? 's' : ''}: ${this.runs.length} runs of ${THROUGHPUT_EVALUATIONS}${failed ? ` (${failed} FAILED)` : ''} in ${walls}; ` +
      `mean worker time ${(mean(this.runs.flatMap(done).map(workerMs)) / 1000).toFixed(2)} s/candidate; ${tested} test-split evaluations of front members (10 000 images each) in all; ` +
      `the process got ${this.coresUsed.toFixed(2)} cores on average`
    );
  }
}

/**
 * The event-loop delay of this process idling (a timer only) for `ms`: what the machine's load alone
 * does to a main thread, the floor under the delay measured during a search.
 */
async function idleLoopDelayP99(ms: number): Promise<number> {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  await new Promise((resolve) => setTimeout(resolve, ms));
  loop.disable();
  return loop.percentile(99) / 1e6;
}

async function throughput(ctx: Context): Promise<BenchRecord[]> {
  const idleBefore = await idleLoopDelayP99(IDLE_LOOP_MS);
  const pooled = new Map([1, 2].map((t) => [t, new Pooled(t)]));
  for (const threads of THREAD_ORDER) {
    const search = { ...ctx, threads, space: THROUGHPUT_SPACE, sampler: { kind: 'grid' }, constraints: {}, evaluations: THROUGHPUT_EVALUATIONS, seed: SEED };
    pooled.get(threads)!.runs.push(await searchOnFreshStore(search));
  }
  const keys = new Set([...pooled.values()].flatMap((p) => p.runs.map((r) => evaluated(r).map((c) => c.recipeKey).sort().join('\n'))));
  if (keys.size !== 1) throw new Error('the throughput runs evaluated different recipes: their rates would not be comparable');
  const idleAfter = await idleLoopDelayP99(IDLE_LOOP_MS);
  const [one, two] = [pooled.get(1)!, pooled.get(2)!];
  const cores = os.availableParallelism();
  const work =
    `fashion-cnn on ${DEVICE}, grid over a ${defineSpace(THROUGHPUT_SPACE).size}-recipe space (distill 0.02 epoch in half), the same ${THROUGHPUT_EVALUATIONS} recipes per run, ` +
    `runs in thread order ${THREAD_ORDER.join(',')}, fresh SQLite store each, wall time of SearchService.start (pool start and per-thread dataset load included)`;
  const shared = `${cores} cores shared with other work: noisy`;
  const scaling = two.perMinute / one.perMinute;
  return [
    { name: 'engine.candidates_per_min.1_thread', value: one.perMinute, unit: 'candidates/min', note: `${work}; ${one.describe()}` },
    {
      name: 'engine.candidates_per_min.2_threads',
      value: two.perMinute,
      unit: 'candidates/min',
      against: { name: '1 thread', value: one.perMinute, unit: 'candidates/min' },
      ratio: scaling,
      ratioMeaning: '2-thread / 1-thread rate',
      note: `${two.describe()}; ${shared}`,
    },
    {
      name: 'engine.thread_scaling',
      value: scaling,
      unit: '×',
      against: { name: 'ideal on 2 threads', value: 2, unit: '×' },
      ratio: scaling / 2,
      ratioMeaning: 'parallel efficiency',
      note:
        `machine: ${cores} cores (1 thread per core); cores the process got: ${two.coresUsed.toFixed(2)} with 2 threads vs ${one.coresUsed.toFixed(2)} with 1 ` +
        `(ratio ${(two.coresUsed / one.coresUsed).toFixed(2)}: the ceiling of the scaling here); the main thread (sampler, pre-screen, SQLite) shares the cores with the pool; ${shared}`,
    },
    {
      name: 'engine.event_loop_delay_p99.2_threads',
      value: two.loopDelayP99Ms,
      unit: 'ms',
      against: { name: 'limit', value: LOOP_DELAY_LIMIT_MS, unit: 'ms' },
      ratio: two.loopDelayP99Ms / LOOP_DELAY_LIMIT_MS,
      ratioMeaning: 'p99 / limit (≤ 1: within it)',
      note:
        `p99 of the main thread's event-loop delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution) during SearchService.start, worst of the runs; ` +
        `max ${Math.max(...two.runs.map((r) => r.loopDelay.maxMs)).toFixed(1)} ms; with 1 thread: p99 ${one.loopDelayP99Ms.toFixed(1)} ms; ` +
        `idle control (this process, timers only, ${IDLE_LOOP_MS / 1000} s before and after the runs): p99 ${idleBefore.toFixed(1)} / ${idleAfter.toFixed(1)} ms, the machine's share; ` +
        `sampler, store and events run on the main thread, compression, evaluation and the pre-screen on worker threads; ${shared}`,
    },
    {
      name: 'engine.cpu_per_candidate.2_threads',
      value: two.cpuPerCandidateS,
      unit: 'CPU s/candidate',
      against: { name: '1 thread', value: one.cpuPerCandidateS, unit: 'CPU s/candidate' },
      ratio: two.cpuPerCandidateS / one.cpuPerCandidateS,
      ratioMeaning: 'CPU cost of running 2 at once (1.0: none)',
      note: 'process CPU time (all threads) per candidate, less sensitive to load from elsewhere than wall rates; above 1.0: contention for caches and memory bandwidth, idle spinning',
    },
  ];
}

interface Screened {
  readonly ms: number;
  readonly violations: readonly string[];
}

/** The engine's pre-screen of one recipe, timed: analytic estimates, then the limits check. */
async function screen(ctx: Context, recipe: Recipe, constraints: Constraints): Promise<Screened> {
  const t0 = performance.now();
  const e = await estimateRecipe(ctx.onnx, recipe, ctx.device);
  const violations = e.unsupported
    ? [e.unsupported]
    : screenViolations(e, { constraints, device: { ramBytes: ctx.device.ramBytes, flashBytes: ctx.device.storageBytes }, latencySlack: 0 });
  return { ms: performance.now() - t0, violations };
}

async function prescreen(ctx: Context): Promise<BenchRecord[]> {
  const constraints = parseConstraints(TIGHT);
  const run = await searchOnFreshStore({
    ...ctx,
    space: SCREEN_SPACE,
    sampler: { kind: 'tpe' },
    constraints: TIGHT,
    evaluations: SCREEN_EVALUATIONS,
    seed: SEED,
  });
  const infeasible = run.candidates.filter((c) => c.status === 'INFEASIBLE');
  const total = run.candidates.length;
  const evalMs = mean(done(run).map(workerMs));

  // The engine does not time its pre-screen, so the run's proposals are screened again here, one
  // by one on this thread, after the run (the pool's threads are stopped by then).
  await screen(ctx, parseRecipe(run.candidates[0]!.recipe), constraints); // warm-up
  const again: Screened[] = [];
  for (const c of run.candidates) again.push(await screen(ctx, parseRecipe(c.recipe), constraints));
  const agree = run.candidates.filter((c, i) => (c.status === 'INFEASIBLE') === again[i]!.violations.length > 0).length;
  const screenMs = mean(again.map((s) => s.ms));

  const sampler = createSampler({ kind: 'random' }, { space: defineSpace(DEFAULT_SPACE), objectives: ['accuracy'], constraints, rng: new Rng(SEED) });
  let ruledOut = 0;
  for (let i = 0; i < SPACE_SAMPLE; i++) {
    if ((await screen(ctx, sampler.ask({ trials: [], pending: [] }), constraints)).violations.length > 0) ruledOut++;
  }

  const limits = `maxLatencyMs ${TIGHT.maxLatencyMs}, maxRamBytes ${TIGHT.maxRamBytes}, maxFlashBytes ${TIGHT.maxFlashBytes}`;
  const savedS = (infeasible.length * evalMs) / 1000;
  return [
    {
      name: 'engine.prescreen.ruled_out',
      value: infeasible.length,
      unit: 'proposals',
      against: { name: 'all proposals of the run', value: total, unit: 'proposals' },
      ratio: infeasible.length / total,
      ratioMeaning: 'share never compressed',
      note:
        `fashion-cnn on ${DEVICE} under ${limits}; tpe (seed ${SEED}) over the default space (distill fixed at 0.1 epoch) until ${SCREEN_EVALUATIONS} evaluations; ` +
        `${done(run).length} DONE, ${run.candidates.filter((c) => c.status === 'FAILED').length} FAILED; tpe learns from ruled-out proposals (compare the space's share, next); ` +
        `≈ ${savedS.toFixed(0)} s of pool time not spent (ruled out × mean evaluation) against ${(run.wallMs / 1000).toFixed(0)} s wall for the run`,
    },
    {
      name: 'engine.prescreen.space_ruled_out',
      value: ruledOut,
      unit: 'recipes',
      against: { name: 'random default-space recipes', value: SPACE_SAMPLE, unit: 'recipes' },
      ratio: ruledOut / SPACE_SAMPLE,
      ratioMeaning: 'share of the space infeasible',
      note: `same limits; uniform draws (seed ${SEED}) screened without a run, for comparison with the sampler's share`,
    },
    {
      name: 'engine.prescreen.ms_per_proposal',
      value: screenMs,
      unit: 'ms',
      against: { name: 'mean full evaluation (DONE, worker totalMs)', value: evalMs, unit: 'ms' },
      ratio: evalMs / screenMs,
      ratioMeaning: 'evaluation time saved per ruled-out recipe, ×',
      note:
        `pre-screen = estimateRecipe + screenViolations, re-timed after the run on its ${total} proposals (median ${median(again.map((s) => s.ms)).toFixed(1)} ms; ` +
        `verdicts reproduced for ${agree}/${total}); evaluations ran ${os.availableParallelism()} at a time (one per core, shared with other work) and include a first-task dataset load per thread; noisy`,
    },
  ];
}

export const engineSection: BenchSection = {
  name: 'engine',
  description: 'run engine on fashion-cnn / stm32h7: candidates per minute with 1 and 2 pool threads, and what the pre-screen saves under a tight MCU constraint',
  async run() {
    const datasetDir = defaultDataDir();
    loadFashionMnistImages({ dataDir: datasetDir }); // builds the shared dataset cache if it is missing, before anything is timed
    const modelBytes = new Uint8Array(readFileSync(zooModelPath(MODEL)));
    const ctx: Context = { modelBytes, onnx: readModel(modelBytes), device: findDevice(DEVICE, deviceCatalogue(detectHostFacts())), datasetDir };
    return [...(await throughput(ctx)), ...(await prescreen(ctx))];
  },
};
