import { SearchError } from '../errors.js';
import { recipeKey } from '@frontier/workers';
import type { Recipe } from '@frontier/workers';
import type { Rng } from '@frontier/workers';
import type { SearchSpace } from '../space/search-space.js';

/** A set of recipe keys to avoid. */
export interface KeySet {
  has(key: string): boolean;
}

/** The keys of finished trials and of pending recipes, as one set. */
export function seenKeys(finished: ReadonlySet<string>, pending: readonly Recipe[]): KeySet {
  const inFlight = new Set(pending.map(recipeKey));
  return { has: (key) => finished.has(key) || inFlight.has(key) };
}

/** Finite spaces up to this size are scanned exhaustively when random draws only find seen recipes. */
const MAX_SCAN = 10_000_000;
const RANDOM_FALLBACK_TRIES = 256;

export interface ProposeUniqueOptions {
  readonly space: SearchSpace;
  readonly seen: KeySet;
  readonly rng: Rng;
  /** Makes one candidate point; called up to `attempts` times. */
  readonly generate: () => Float64Array;
  readonly attempts: number;
}

/**
 * The first generated point that decodes to a valid, unseen recipe; after `attempts` misses, a
 * uniformly drawn unseen recipe (see {@link unseenRecipe}).
 */
export function proposeUnique(options: ProposeUniqueOptions): Recipe {
  const { space, seen, generate, attempts } = options;
  for (let i = 0; i < attempts; i++) {
    const point = generate();
    if (!space.isValidPoint(point)) continue;
    const recipe = space.decode(point);
    if (!seen.has(recipeKey(recipe))) return recipe;
  }
  return unseenRecipe(space, seen, options.rng);
}

/**
 * An unseen recipe drawn uniformly: random grid indices for a finite space, then (when those only
 * find seen recipes) a scan from a random index; random points for an infinite space. Throws
 * `SPACE_EXHAUSTED` when none is left.
 */
export function unseenRecipe(space: SearchSpace, seen: KeySet, rng: Rng): Recipe {
  if (Number.isFinite(space.size)) {
    for (let i = 0; i < RANDOM_FALLBACK_TRIES; i++) {
      const recipe = space.recipeAt(Math.floor(rng.next() * space.size));
      if (!seen.has(recipeKey(recipe))) return recipe;
    }
    if (space.size <= MAX_SCAN) {
      const start = Math.floor(rng.next() * space.size);
      for (let i = 0; i < space.size; i++) {
        const recipe = space.recipeAt((start + i) % space.size);
        if (!seen.has(recipeKey(recipe))) return recipe;
      }
    }
  } else {
    for (let i = 0; i < RANDOM_FALLBACK_TRIES; i++) {
      const point = space.randomPoint(rng);
      if (!space.isValidPoint(point)) continue;
      const recipe = space.decode(point);
      if (!seen.has(recipeKey(recipe))) return recipe;
    }
  }
  throw new SearchError('SPACE_EXHAUSTED', `every recipe of the space (${space.size} in all) has been proposed`, { size: space.size });
}
