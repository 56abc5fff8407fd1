import { recipeKey, type Recipe, type Rng } from '@frontier/workers';
import { randomCoordinate, type SearchSpace } from '../../space/search-space.js';
import { mutate } from '../nsga2/mutation.js';
import type { KeySet } from '../propose-unique.js';
import type { RecipeScreen, ScreenedRecipe } from '../sampler.js';

/** A recipe the sampler may propose, with what the pre-screen said of it. */
export interface PoolEntry {
  readonly key: string;
  readonly recipe: Recipe;
  readonly screened: ScreenedRecipe;
}

export interface CandidatePoolOptions {
  readonly space: SearchSpace;
  readonly rng: Rng;
  readonly screen: RecipeScreen;
  /** A finite space this small or smaller is taken whole. */
  readonly capacity: number;
  /** Recipes kept at most when the space is sampled (each is weighed on every ask). */
  readonly sampledCapacity: number;
  /** New recipes screened per `grow`. */
  readonly perGrow: number;
}

/**
 * The pre-screened recipes a model-based sampler weighs. A finite space no larger than the
 * capacity is taken whole, in a seeded order, `perGrow` recipes at a time; a larger or continuous
 * space is sampled — half uniform draws, half mutations of the recipes the caller names as the
 * best so far — and the oldest entries make way beyond `sampledCapacity`. Each recipe is screened
 * once; screening is batched (one call per `grow`) and counted.
 */
export class CandidatePool {
  private readonly entries = new Map<string, PoolEntry>();
  private readonly order: Recipe[] | undefined;
  private cursor = 0;
  /** Pre-screen calls made and recipes screened, for cost accounting. */
  screenCalls = 0;
  screenedRecipes = 0;
  /** Screened recipes the pre-screen let through, and the last reason it gave for one it ruled out. */
  passed = 0;
  lastViolation = '';

  constructor(private readonly o: CandidatePoolOptions) {
    const { space } = o;
    if (Number.isFinite(space.size) && space.size <= o.capacity) {
      this.order = o.rng.shuffle(Array.from({ length: space.size }, (_, i) => space.recipeAt(i)));
    }
  }

  /** Whether every recipe of a finite space has been screened. */
  get complete(): boolean {
    return this.order !== undefined && this.cursor >= this.order.length;
  }

  /** The screened entry of a recipe key, if the pool holds it. */
  entry(key: string): PoolEntry | undefined {
    return this.entries.get(key);
  }

  /** Screened recipes that are feasible and not in `seen`. */
  feasible(seen: KeySet): PoolEntry[] {
    return [...this.entries.values()].filter((e) => e.screened.violations.length === 0 && !seen.has(e.key));
  }

  /** Screens up to `perGrow` new recipes, unseen ones only; `best` seeds the mutations of a sampled space. */
  async grow(seen: KeySet, best: readonly Recipe[]): Promise<void> {
    const fresh = this.order ? this.nextInOrder(seen) : this.sample(seen, best);
    if (fresh.length === 0) return;
    const screened = await this.o.screen(fresh);
    this.screenCalls++;
    this.screenedRecipes += fresh.length;
    fresh.forEach((recipe, i) => {
      const verdict = screened[i]!;
      if (verdict.violations.length === 0) this.passed++;
      else this.lastViolation = verdict.violations.join('; ');
      this.entries.set(recipeKey(recipe), { key: recipeKey(recipe), recipe, screened: verdict });
    });
    for (const key of this.entries.keys()) {
      if (this.order || this.entries.size <= this.o.sampledCapacity) break;
      this.entries.delete(key);
    }
  }

  private nextInOrder(seen: KeySet): Recipe[] {
    const out: Recipe[] = [];
    while (out.length < this.o.perGrow && this.cursor < this.order!.length) {
      const recipe = this.order![this.cursor++]!;
      if (!seen.has(recipeKey(recipe))) out.push(recipe);
    }
    return out;
  }

  private sample(seen: KeySet, best: readonly Recipe[]): Recipe[] {
    const { space, rng } = this.o;
    const out = new Map<string, Recipe>();
    const rate = 2 / Math.max(1, space.dimension);
    for (let attempt = 0; out.size < this.o.perGrow && attempt < 4 * this.o.perGrow; attempt++) {
      let point: Float64Array;
      if (best.length > 0 && attempt % 2 === 1) {
        point = space.encode(best[rng.int(best.length)]!);
        // Genes of a technique that is off have no value: draw one, so mutation can switch it on.
        point.forEach((x, g) => Number.isNaN(x) && (point[g] = randomCoordinate(space.genes[g]!, rng)));
        mutate(space.genes, point, rate, rng);
      } else {
        point = space.randomPoint(rng);
      }
      if (!space.isValidPoint(point)) continue;
      const recipe = space.decode(point);
      const key = recipeKey(recipe);
      if (!seen.has(key) && !this.entries.has(key)) out.set(key, recipe);
    }
    return [...out.values()];
  }
}
