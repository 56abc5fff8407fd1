import { SearchError } from '../errors.js';
import { recipeKey } from '@frontier/workers';
import type { Recipe } from '@frontier/workers';
import { seenKeys } from './propose-unique.js';
import type { Sampler, SamplerContext, SearchHistory, Trial } from './sampler.js';
import { TrialArchive } from './trial-archive.js';

/** Grids above this many recipes are refused: the visiting order is kept in memory (4 bytes a recipe). */
const MAX_GRID = 10_000_000;

/**
 * Exhaustive search of a finite space: every recipe exactly once, in a seeded random order (a
 * fixed order would make the first hundred trials all share one setting of the first technique),
 * skipping recipes already finished or in flight. Throws `SPACE_EXHAUSTED` after the last one.
 */
export class GridSampler implements Sampler {
  readonly name = 'grid';
  private readonly archive: TrialArchive;
  private readonly order: Uint32Array;
  private cursor = 0;

  constructor(private readonly context: SamplerContext) {
    const { space } = context;
    if (!Number.isFinite(space.size)) {
      throw new SearchError('BAD_SPACE', 'grid search needs a finite space: give every numeric parameter a step or a list of values');
    }
    if (space.size > MAX_GRID) throw new SearchError('BAD_SPACE', `grid search is limited to ${MAX_GRID} recipes, the space has ${space.size}`);
    this.archive = new TrialArchive(space, context.objectives, context.constraints);
    this.order = context.rng.shuffle(Uint32Array.from({ length: space.size }, (_, i) => i));
  }

  ask(history: SearchHistory): Recipe {
    this.archive.sync(history.trials);
    const seen = seenKeys(this.archive.keys, history.pending);
    while (this.cursor < this.order.length) {
      const recipe = this.context.space.recipeAt(this.order[this.cursor++]!);
      if (!seen.has(recipeKey(recipe))) return recipe;
    }
    throw new SearchError('SPACE_EXHAUSTED', `the grid's ${this.order.length} recipes have all been proposed`, { size: this.order.length });
  }

  tell(trial: Trial): void {
    this.archive.add(trial);
  }
}
