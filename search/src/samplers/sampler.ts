import type { Constraints, Metric, TrialMetrics } from '../objectives/objectives.js';
import type { Recipe } from '@frontier/workers';
import type { Rng } from '@frontier/workers';
import type { SearchSpace } from '../space/search-space.js';

/** How a trial ended: measured, rejected by the pre-screen (estimates only), or failed. */
export type TrialStatus = 'done' | 'infeasible' | 'failed';

/** One finished evaluation of a recipe. */
export interface Trial {
  readonly recipe: Recipe;
  readonly status: TrialStatus;
  /** Measured (done) or estimated (infeasible) metrics; absent for a failed trial. */
  readonly metrics?: TrialMetrics;
}

/** What a sampler sees when asked: finished trials (append-only, in the order told) and recipes in flight. */
export interface SearchHistory {
  readonly trials: readonly Trial[];
  readonly pending: readonly Recipe[];
}

/**
 * A sampler proposes recipes. The contract every sampler keeps:
 *
 * - `ask(history)` returns a recipe of the space, in canonical form, whose key is neither among the
 *   finished trials nor among the pending recipes — so several asks before any tell (a batch in
 *   flight) never repeat a recipe. It throws `SPACE_EXHAUSTED` when a finite space has no recipe
 *   left.
 * - `tell(trial)` hands over a finished trial. `history.trials` must list the same trials in the
 *   same order; a sampler ingests whatever it has not seen, so a resumed run only passes the stored
 *   history and need not replay the tells.
 * - All randomness comes from the `Rng` it was built with: the same seed and the same calls give the
 *   same recipes. No clock, no `Math.random`.
 * - Trials whose recipe is outside the space (a baseline the engine added) count as seen but do not
 *   inform the model.
 */
export interface Sampler {
  readonly name: string;
  /**
   * Optional, awaited before each `ask` with the same history: a sampler that weighs pre-screened
   * candidates screens the recipes it will weigh here (through `SamplerContext.screen`), so that
   * `ask` itself stays synchronous.
   */
  prepare?(history: SearchHistory): Promise<void>;
  ask(history: SearchHistory): Recipe;
  tell(trial: Trial): void;
}

/**
 * What the pre-screen knows of a recipe before it is evaluated: the metrics it computes exactly
 * (sizes, MACs, peak RAM, and latency where the device's latency is itself the prediction) and why
 * the recipe cannot meet the run's constraints or the device (empty: it may be feasible).
 */
export interface ScreenedRecipe {
  readonly metrics: TrialMetrics;
  readonly violations: readonly string[];
}

/**
 * The pre-screen, batched: one answer per recipe, in order. The engine answers with its analytic
 * estimates (off the event loop); a tabular benchmark answers from the table's cheap columns.
 * Metrics it leaves out (always accuracy; latency measured on the host) are what a sampler must
 * model.
 */
export type RecipeScreen = (recipes: readonly Recipe[]) => Promise<readonly ScreenedRecipe[]>;

/** What every sampler is built from. */
export interface SamplerContext {
  readonly space: SearchSpace;
  /** The run's objectives, e.g. ['accuracy', 'latencyMs', 'deployBytes']. */
  readonly objectives: readonly Metric[];
  readonly constraints: Constraints;
  readonly rng: Rng;
  /** The pre-screen, when the caller has one; samplers that weigh candidates by their cheap objectives need it. */
  readonly screen?: RecipeScreen;
}
