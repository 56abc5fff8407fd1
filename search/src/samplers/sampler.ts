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
  ask(history: SearchHistory): Recipe;
  tell(trial: Trial): void;
}

/** What every sampler is built from. */
export interface SamplerContext {
  readonly space: SearchSpace;
  /** The run's objectives, e.g. ['accuracy', 'latencyMs', 'deployBytes']. */
  readonly objectives: readonly Metric[];
  readonly constraints: Constraints;
  readonly rng: Rng;
}
