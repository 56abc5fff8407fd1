// Ask time of each sampler at 100 and 1000 told trials, on a large space over every recipe axis.
import {
  costMetrics,
  createSampler,
  defineSpace,
  expectedAccuracy,
  type BenchmarkProblem,
  type RecipeScreen,
  type Recipe,
  type SamplerConfig,
  type Trial,
} from '@frontier/search';
import { Rng } from '@frontier/workers';
import { median, type BenchRecord } from './record.js';

/**
 * A large finite space over every recipe axis (≈ 4.7 M recipes): the synthetic model evaluates any
 * recipe, so histories of 1000 trials are cheap to make.
 */
const TIMING_SPACE = defineSpace({
  lowRank: { rankRatio: { low: 0.1, high: 1, step: 0.05 } },
  prune: { ratio: { low: 0.1, high: 0.9, step: 0.05 }, structure: { values: ['unstructured', 'channel'] } },
  distill: { temperature: { values: [1, 2, 4, 8] }, alpha: { low: 0.1, high: 0.9, step: 0.2 }, epochs: { values: [1, 2, 3, 5] } },
  quant: { weightBits: { low: 2, high: 8 }, activationBits: { values: [8, 32] }, granularity: { values: ['per-tensor', 'per-channel'] } },
});

/** The synthetic model's cost metrics stand in for the engine's pre-screen. */
const syntheticScreen: RecipeScreen = (recipes) => Promise.resolve(recipes.map((r) => ({ metrics: costMetrics(r), violations: [] })));
const evaluate = (recipe: Recipe): Trial => ({ recipe, status: 'done', metrics: { accuracy: expectedAccuracy(recipe), ...costMetrics(recipe) } });

/**
 * Median CPU time of 10 asks after `n` told trials, for each n in `at` (one history, growing). The
 * history is random search's — what an ask costs depends on how many trials there are, not on who
 * chose them, and a model-based sampler's own run to 1000 trials would take minutes — and the
 * sampler's `prepare` (the pre-screen batch, for the GP sampler) is timed apart, in wall time.
 */
async function askTimes(config: SamplerConfig, problem: BenchmarkProblem, at: readonly number[]): Promise<{ ask: number[]; prepare: number[] }> {
  const ask: number[] = [];
  const prepare: number[] = [];
  const context = { objectives: problem.objectives, constraints: {}, space: TIMING_SPACE, rng: new Rng(7), screen: syntheticScreen };
  const sampler = createSampler(config, context);
  const filler = createSampler({ kind: 'random' }, { ...context, rng: new Rng(8) });
  const trials: Trial[] = [];
  const tell = (recipe: Recipe) => {
    const trial = evaluate(recipe);
    trials.push(trial);
    sampler.tell(trial);
  };
  for (const n of at) {
    while (trials.length < n) tell(filler.ask({ trials, pending: [] }));
    const asks: number[] = [];
    const prepares: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await sampler.prepare?.({ trials, pending: [] });
      prepares.push(performance.now() - t0);
      // CPU time of this (single-threaded) process: other work on the shared machine does not count.
      const cpu = process.cpuUsage();
      const recipe = sampler.ask({ trials, pending: [] });
      const used = process.cpuUsage(cpu);
      asks.push((used.user + used.system) / 1000);
      tell(recipe);
    }
    ask.push(median(asks));
    prepare.push(median(prepares));
  }
  return { ask, prepare };
}

/** Ask-time records of every sampler, with the issue's limits (NSGA-II ≤ 1 ms, model-based ≤ 20 ms at 1000 trials). */
export async function askTimeRecords(configs: readonly SamplerConfig[], problem: BenchmarkProblem): Promise<BenchRecord[]> {
  const records: BenchRecord[] = [];
  for (const config of configs) {
    const { ask, prepare } = await askTimes(config, problem, [100, 1000]);
    const limit = config.kind === 'nsga2' ? 1 : config.kind === 'tpe' || config.kind === 'gp' ? 20 : undefined;
    const how = 'after n trials of random search told';
    records.push(
      { name: `samplers.${config.kind}.ask_ms_at_100`, value: ask[0]!, unit: 'ms', note: `median CPU time of 10 asks ${how}; ${TIMING_SPACE.dimension} genes, ${TIMING_SPACE.size.toExponential(2)} recipes` },
      {
        name: `samplers.${config.kind}.ask_ms_at_1000`,
        value: ask[1]!,
        unit: 'ms',
        ...(limit ? { against: { name: 'limit', value: limit, unit: 'ms' }, ratio: ask[1]! / limit, ratioMeaning: 'ask / limit (≤ 1 meets it)' } : {}),
        ...(config.kind === 'gp' ? { note: `prepare median ${prepare[1]!.toFixed(1)} ms (synthetic cost model as the screen); GP trained on ≤ 64 trials (front first, then the most recent), ≤ 384 sampled candidates weighed, hyperparameters re-chosen every 10th fit` } : {}),
      },
    );
  }
  return records;
}
