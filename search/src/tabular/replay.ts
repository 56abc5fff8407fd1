import { SearchError } from '../errors.js';
import type { Recipe } from '@frontier/workers';
import type { Sampler, Trial } from '../samplers/sampler.js';
import { FrontTracker, type BenchmarkProblem, type TrueFront } from './front-tracker.js';
import type { TabularBenchmark } from './table.js';

export interface ReplayOptions {
  readonly table: TabularBenchmark;
  readonly problem: BenchmarkProblem;
  readonly truth: TrueFront;
  readonly sampler: Sampler;
  /** Evaluations at most (default: the whole table). */
  readonly budget?: number;
  /** Stop once this fraction of the true hypervolume is found (default: run the whole budget). */
  readonly stopAt?: number;
  /** Recipes in flight at once; the oldest finishes first (default 1: sequential). */
  readonly batchSize?: number;
}

export interface ReplayResult {
  /** The recipes in the order their evaluations finished. */
  readonly recipes: Recipe[];
  /** After each evaluation, the fraction of the true front's hypervolume found. */
  readonly fractions: number[];
}

/**
 * Runs a sampler against a table as the engine would against real evaluations: ask (up to
 * `batchSize` in flight, each ask after the sampler's `prepare`), look the recipe up, tell. Every
 * recipe a sampler proposes counts as one evaluation, feasible or not.
 */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const { table, problem, truth, sampler } = options;
  const budget = Math.min(options.budget ?? table.space.size, table.space.size);
  const stopAt = options.stopAt ?? Infinity;
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new SearchError('BAD_ARGUMENT', `batchSize must be an integer ≥ 1, got ${batchSize}`);
  const tracker = new FrontTracker(problem, truth);
  const trials: Trial[] = [];
  const pending: Recipe[] = [];
  const recipes: Recipe[] = [];
  const fractions: number[] = [];
  let asked = 0;
  while (recipes.length < budget) {
    while (pending.length < batchSize && asked < budget) {
      await sampler.prepare?.({ trials, pending });
      pending.push(sampler.ask({ trials, pending }));
      asked++;
    }
    const recipe = pending.shift()!;
    const metrics = table.lookup(recipe);
    const trial: Trial = { recipe, status: 'done', metrics };
    trials.push(trial);
    sampler.tell(trial);
    recipes.push(recipe);
    fractions.push(tracker.add(metrics));
    if (fractions.at(-1)! >= stopAt) break;
  }
  return { recipes, fractions };
}

/** The number of evaluations after which `fractions` first reaches `target`, or undefined if it never does. */
export function evaluationsToReach(fractions: readonly number[], target: number): number | undefined {
  // A tolerance of 1e-12 absorbs rounding in hypervolumes summed in a different order.
  const i = fractions.findIndex((f) => f >= target - 1e-12);
  return i < 0 ? undefined : i + 1;
}
