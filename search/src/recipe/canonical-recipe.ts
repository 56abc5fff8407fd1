import { createHash } from 'node:crypto';
import { PRUNE_DEFAULTS, type DistillRecipe, type PruneRecipe, type QuantRecipe, type Recipe } from './recipe.js';

/**
 * Significant digits kept of a real-valued recipe field. Two recipes whose ratios agree to four
 * digits compress to the same model in practice (a rank or a channel count is a ratio times a
 * dimension below 10⁴, rounded), so they are one recipe for deduplication.
 */
export const RECIPE_DIGITS = 4;

/** `x` rounded to {@link RECIPE_DIGITS} significant digits (−0 becomes 0). */
export function canonicalNumber(x: number): number {
  return Number(x.toPrecision(RECIPE_DIGITS)) + 0;
}

function prune(p: PruneRecipe): PruneRecipe {
  // scope only means something for unstructured pruning and criterion for channel pruning; a
  // field equal to its default is dropped so that `{}` and `{scope: 'global'}` are one recipe.
  const scope = p.structure === 'unstructured' && p.scope !== undefined && p.scope !== PRUNE_DEFAULTS.scope ? { scope: p.scope } : {};
  const criterion =
    p.structure === 'channel' && p.criterion !== undefined && p.criterion !== PRUNE_DEFAULTS.criterion ? { criterion: p.criterion } : {};
  return { ratio: canonicalNumber(p.ratio), structure: p.structure, ...scope, ...criterion };
}

function distill(d: DistillRecipe): DistillRecipe {
  return {
    temperature: canonicalNumber(d.temperature),
    alpha: canonicalNumber(d.alpha),
    epochs: canonicalNumber(d.epochs),
    layers: d.layers,
  };
}

function quant(q: QuantRecipe): QuantRecipe {
  return { weightBits: q.weightBits, activationBits: q.activationBits, granularity: q.granularity, symmetric: q.symmetric };
}

/**
 * The canonical form of a (valid) recipe: techniques and fields in a fixed order, real numbers
 * rounded to {@link RECIPE_DIGITS} significant digits, defaults and fields irrelevant to the
 * chosen structure dropped. Equal configurations have equal canonical forms.
 */
export function canonicalRecipe(recipe: Recipe): Recipe {
  return {
    ...(recipe.lowRank ? { lowRank: { rankRatio: canonicalNumber(recipe.lowRank.rankRatio) } } : {}),
    ...(recipe.prune ? { prune: prune(recipe.prune) } : {}),
    ...(recipe.distill ? { distill: distill(recipe.distill) } : {}),
    ...(recipe.quant ? { quant: quant(recipe.quant) } : {}),
  };
}

/**
 * The canonical key of a recipe: the JSON of its canonical form (so a key parses back into the
 * recipe). Equal configurations have equal keys; use it to deduplicate and as a map key.
 */
export function recipeKey(recipe: Recipe): string {
  return JSON.stringify(canonicalRecipe(recipe));
}

/** sha256 (lower-case hex) of {@link recipeKey}: a fixed-length id of a configuration. */
export function recipeHash(recipe: Recipe): string {
  return createHash('sha256').update(recipeKey(recipe)).digest('hex');
}
