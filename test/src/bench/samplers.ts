// `samplers`: how many evaluations each sampler needs to find the true Pareto front of a tabular
// benchmark (median and IQR over seeds), how long one ask takes at 100 and 1000 trials, and — when
// Debian's python3-optuna is installed — Optuna's NSGA-II and TPE replayed on the same table in the
// same run (test/bench-py/optuna_table.py).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  costMetrics,
  createSampler,
  defineSpace,
  evaluationsToReach,
  expectedAccuracy,
  parseTable,
  replay,
  trueFront,
  type BenchmarkProblem,
  type Recipe,
  type SamplerConfig,
  type TabularBenchmark,
  type Trial,
  type TrueFront,
} from '@frontier/search';
import { Rng } from '@frontier/workers';
import { optunaPeer, type PeerRun, type PeerSampler } from './samplers-optuna.js';
import { median, quantile, type BenchRecord, type BenchSection } from './record.js';

const SEEDS = 20;
const TARGETS = [0.9, 0.95, 0.99] as const;
/**
 * The Optuna peer stops at 95 % (the figure compared). Optuna 3.1's TPE recomputes its good set by
 * hypervolume subset selection on every trial (the default, univariate one for every parameter):
 * ~0.1 s per trial at 150 trials and growing, so TPE runs are capped at 300 trials, and the default
 * TPE runs fewer seeds. NSGA-II is cheap (~1 ms a trial) but often proposes a recipe again, so it
 * may run three times as many trials as the table has recipes.
 */
const PEER_STOP = 0.95;
const peerSamplers = (tableSize: number): PeerSampler[] => [
  { name: 'nsga2', seeds: SEEDS, maxTrials: 3 * tableSize },
  { name: 'tpe-multivariate', seeds: SEEDS, maxTrials: 300 },
  { name: 'tpe', seeds: 5, maxTrials: 300 },
];
/** The run a user of the DESIGN example asks for: most accurate, fastest, smallest, under 20 ms with ≥ 80 % accuracy. */
const PROBLEM: BenchmarkProblem = { objectives: ['accuracy', 'latencyMs', 'deployBytes'], constraints: { minAccuracy: 0.8, maxLatencyMs: 20 } };
const FRONTIER_SAMPLERS: readonly SamplerConfig[] = [{ kind: 'random' }, { kind: 'grid' }, { kind: 'nsga2' }, { kind: 'tpe' }];
/** Another table in the same format (e.g. from zoo evaluations) can be benchmarked with FRONTIER_SAMPLER_TABLE=path. */
const TABLE_PATH = process.env['FRONTIER_SAMPLER_TABLE'] ?? fileURLToPath(new URL('../../../search/tables/synthetic-fashion-cnn.json', import.meta.url));

/**
 * A large finite space over every recipe axis (≈ 4.7 M recipes), for timing asks: the synthetic
 * model evaluates any recipe, so histories of 1000 trials are cheap to make.
 */
const TIMING_SPACE = defineSpace({
  lowRank: { rankRatio: { low: 0.1, high: 1, step: 0.05 } },
  prune: { ratio: { low: 0.1, high: 0.9, step: 0.05 }, structure: { values: ['unstructured', 'channel'] } },
  distill: { temperature: { values: [1, 2, 4, 8] }, alpha: { low: 0.1, high: 0.9, step: 0.2 }, epochs: { values: [1, 2, 3, 5] } },
  quant: { weightBits: { low: 2, high: 8 }, activationBits: { values: [8, 32] }, granularity: { values: ['per-tensor', 'per-channel'] } },
});

/**
 * Evaluations to each target, per seed. A run that never reached a target holds a lower bound: the
 * evaluations it made, plus one.
 */
type Counts = Record<(typeof TARGETS)[number], { readonly evaluations: number; readonly reached: boolean }[]>;

function countsOf(runs: readonly (readonly number[])[]): Counts {
  const counts = { 0.9: [], 0.95: [], 0.99: [] } as Counts;
  for (const fractions of runs) {
    for (const t of TARGETS) {
      const n = evaluationsToReach(fractions, t);
      counts[t].push(n === undefined ? { evaluations: fractions.length + 1, reached: false } : { evaluations: n, reached: true });
    }
  }
  return counts;
}

function replaySeeds(table: TabularBenchmark, truth: TrueFront, config: SamplerConfig, batchSize = 1): Counts {
  const runs = Array.from({ length: SEEDS }, (_, seed) => {
    const sampler = createSampler(config, { ...PROBLEM, space: table.space, rng: new Rng(seed + 1) });
    return replay({ table, problem: PROBLEM, truth, sampler, stopAt: 0.99, batchSize }).fractions;
  });
  return countsOf(runs);
}

/** Median and IQR over seeds, saying how many runs never reached the target. */
function summary(runs: Counts[keyof Counts]): { median: number; note: string } {
  const values = runs.map((r) => r.evaluations);
  const missed = runs.filter((r) => !r.reached).length;
  const iqr = `IQR ${quantile(values, 0.25).toFixed(0)}–${quantile(values, 0.75).toFixed(0)}`;
  const missedNote = missed ? `; ${missed} never reached it (counted as the evaluations they made + 1, a lower bound)` : '';
  return { median: median(values), note: `${iqr}, ${values.length} seeds${missedNote}` };
}

function countRecords(
  name: string,
  counts: Counts,
  against?: { name: string; counts: Counts; meaning: string },
  targets: readonly (typeof TARGETS)[number][] = TARGETS,
): BenchRecord[] {
  return targets.map((t) => {
    const pct = Math.round(t * 100);
    const s = summary(counts[t]);
    const peer = against ? summary(against.counts[t]) : undefined;
    return {
      name: `samplers.${name}.evals_to_${pct}pct`,
      value: s.median,
      unit: 'evaluations',
      ...(peer ? { against: { name: against!.name, value: peer.median, unit: 'evaluations' }, ratio: peer.median / s.median, ratioMeaning: against!.meaning } : {}),
      note: s.note,
    };
  });
}

/** Median ask time around `trials` trials of a sampler's own run on the timing space. */
function askTimes(config: SamplerConfig, at: readonly number[]): number[] {
  const sampler = createSampler(config, { ...PROBLEM, space: TIMING_SPACE, rng: new Rng(7) });
  const trials: Trial[] = [];
  const last = Math.max(...at) + 10;
  const times = new Map<number, number[]>(at.map((n) => [n, []]));
  for (let i = 0; i < last; i++) {
    const started = performance.now();
    const recipe: Recipe = sampler.ask({ trials, pending: [] });
    const ms = performance.now() - started;
    for (const n of at) if (i >= n && i < n + 10) times.get(n)!.push(ms);
    const trial: Trial = { recipe, status: 'done', metrics: { accuracy: expectedAccuracy(recipe), ...costMetrics(recipe) } };
    trials.push(trial);
    sampler.tell(trial);
  }
  return at.map((n) => median(times.get(n)!));
}

function peerRecords(peer: PeerRun, frontier: ReadonlyMap<string, Counts>): BenchRecord[] {
  if (peer.skipped) return [{ name: 'samplers.optuna', value: 0, unit: 'runs', note: `skipped: ${peer.skipped}` }];
  const records: BenchRecord[] = [];
  for (const run of peer.samplers) {
    const ours = run.spec.name === 'nsga2' ? 'nsga2' : 'tpe';
    const counts = countsOf(run.fractions);
    const targets = TARGETS.filter((t) => t <= PEER_STOP);
    const against = { name: `frontier ${ours}`, counts: frontier.get(ours)!, meaning: 'optuna / frontier (> 1: Frontier needs fewer)' };
    for (const r of countRecords(`optuna-${run.spec.name}`, counts, against, targets)) {
      records.push({
        ...r,
        // countRecords divides the peer's median by this one's; here the peer is Frontier.
        ratio: r.value / r.against!.value,
        note: `${r.note}; at most ${run.spec.maxTrials} trials; distinct recipes counted (median ${median(run.duplicates)} repeated proposals per run not counted); ${run.seconds.toFixed(0)} s; ${peer.version}`,
      });
    }
  }
  return records;
}

async function run(): Promise<BenchRecord[]> {
  const table = parseTable(JSON.parse(readFileSync(TABLE_PATH, 'utf8')));
  const truth = trueFront(table, PROBLEM);
  const size = table.space.size;
  const setup = `${table.file.name}: ${size} recipes, ${truth.feasible} feasible, true front ${truth.size}`;
  const records: BenchRecord[] = [];
  const frontier = new Map<string, Counts>();
  for (const config of FRONTIER_SAMPLERS) frontier.set(config.kind, replaySeeds(table, truth, config));
  const random = frontier.get('random')!;
  for (const config of FRONTIER_SAMPLERS) {
    const against = config.kind === 'random' ? undefined : { name: 'random', counts: random, meaning: 'random / this (> 1: fewer than random)' };
    records.push(...countRecords(config.kind, frontier.get(config.kind)!, against));
  }
  records[0] = { ...records[0]!, note: `${records[0]!.note}; ${setup}; objectives ${PROBLEM.objectives.join(', ')}; constraints ${JSON.stringify(PROBLEM.constraints)}` };
  const randomAt95 = summary(random[0.95]).median;
  const [best] = FRONTIER_SAMPLERS.filter((c) => c.kind !== 'random')
    .map((c) => ({ kind: c.kind, at95: summary(frontier.get(c.kind)![0.95]).median }))
    .sort((a, b) => a.at95 - b.at95);
  records.push({
    name: 'samplers.best.evals_to_95pct',
    value: best!.at95,
    unit: 'evaluations',
    against: { name: 'random', value: randomAt95, unit: 'evaluations' },
    ratio: randomAt95 / best!.at95,
    ratioMeaning: 'random / best',
    note: `the best Frontier sampler: ${best!.kind}`,
  });
  const batched = replaySeeds(table, truth, { kind: 'tpe' }, 4);
  records.push({ ...countRecords('tpe.batch4', batched, { name: 'tpe sequential', counts: frontier.get('tpe')!, meaning: 'sequential / batched' })[1]!, note: `4 recipes in flight (constant liar); ${summary(batched[0.95]).note}` });

  const peer = optunaPeer({ tablePath: TABLE_PATH, table, problem: PROBLEM, truth, samplers: peerSamplers(size), stopAt: PEER_STOP });
  records.push(...peerRecords(peer, frontier));

  for (const config of FRONTIER_SAMPLERS) {
    const [at100, at1000] = askTimes(config, [100, 1000]);
    records.push(
      { name: `samplers.${config.kind}.ask_ms_at_100`, value: at100!, unit: 'ms', note: `median of 10 asks, ${TIMING_SPACE.dimension} genes, ${TIMING_SPACE.size.toExponential(2)} recipes` },
      { name: `samplers.${config.kind}.ask_ms_at_1000`, value: at1000!, unit: 'ms' },
    );
  }
  return records;
}

export const samplersSection: BenchSection = {
  name: 'samplers',
  description: 'evaluations to reach 90/95/99 % of a tabular benchmark\'s true-front hypervolume, per sampler; ask time',
  run,
};
