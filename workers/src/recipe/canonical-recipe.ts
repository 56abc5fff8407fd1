import { createHash } from 'node:crypto';
import { TECHNIQUES, type Recipe } from './recipe.js';
import { isRelevant, RECIPE_PARAMS } from './recipe-params.js';

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

/**
 * The canonical form of a (valid) recipe: techniques and fields in a fixed order, real numbers
 * rounded to {@link RECIPE_DIGITS} significant digits, defaults and fields irrelevant to the
 * chosen structure dropped (a scope only means something for unstructured pruning; `{}` and
 * `{scope: 'global'}` are one recipe). Equal configurations have
 * equal canonical forms.
 */
export function canonicalRecipe(recipe: Recipe): Recipe {
  const out: Record<string, Record<string, unknown>> = {};
  for (const t of TECHNIQUES) {
    const fields = recipe[t] as Readonly<Record<string, unknown>> | undefined;
    if (!fields) continue;
    const kept: Record<string, unknown> = {};
    for (const [param, domain] of Object.entries(RECIPE_PARAMS[t])) {
      const v = fields[param];
      if (v === undefined || v === domain.kernelDefault || !isRelevant(t, param, fields)) continue;
      kept[param] = domain.kind === 'real' ? canonicalNumber(v as number) : v;
    }
    out[t] = kept;
  }
  return out;
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
