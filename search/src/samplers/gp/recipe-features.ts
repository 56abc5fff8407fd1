import { PRUNE_DEFAULTS, type Recipe } from '@frontier/workers';

/**
 * The coordinates a surrogate sees for a recipe: one per compression axis, each a "strength" in
 * [0, 1] where 0 is the technique left out — so leaving a technique out is the weak end of its own
 * axis (rank ratio 1, pruning ratio 0 and 32-bit weights all mean "not applied"), and the
 * surrogate's distances follow how much a recipe compresses, not how a space lays its genes out.
 * Distillation, which repairs rather than compresses, gets its own coordinates.
 */
export const RECIPE_FEATURES = [
  'lowRank',
  'pruneUnstructured',
  'pruneChannel',
  'pruneVariant',
  'weightBits',
  'int8Activations',
  'perTensor',
  'asymmetric',
  'distillEpochs',
  'distillTemperature',
  'distillAlpha',
  'distillLayers',
] as const;

/**
 * Whether each feature is a compression strength, on which accuracy is expected not to rise: the
 * direction of the surrogate's prior slope (a prior the data can overrule, not a constraint).
 */
export const COMPRESSES: readonly boolean[] = RECIPE_FEATURES.map((f) => !f.startsWith('distill'));

/** Weight widths span 1–32 bits: log2(32 / bits) / 5 puts 32 bits at 0 and 1 bit at 1. */
function weightStrength(bits: number): number {
  return Math.log2(32 / bits) / 5;
}

/** The features of `recipe` (see {@link RECIPE_FEATURES}), written to `out`. */
export function recipeFeatures(recipe: Recipe, out = new Float64Array(RECIPE_FEATURES.length)): Float64Array {
  out.fill(0);
  if (recipe.lowRank) out[0] = 1 - recipe.lowRank.rankRatio;
  const p = recipe.prune;
  if (p) {
    out[p.structure === 'unstructured' ? 1 : 2] = p.ratio;
    // A non-default scope or criterion changes which weights go, at the same ratio.
    const variant = p.structure === 'unstructured' ? (p.scope ?? PRUNE_DEFAULTS.scope) !== PRUNE_DEFAULTS.scope : (p.criterion ?? PRUNE_DEFAULTS.criterion) !== PRUNE_DEFAULTS.criterion;
    out[3] = variant ? p.ratio : 0;
  }
  const q = recipe.quant;
  if (q) {
    out[4] = weightStrength(q.weightBits);
    out[5] = q.activationBits === 8 ? 1 : 0;
    out[6] = q.granularity === 'per-tensor' ? 1 : 0;
    out[7] = q.symmetric ? 0 : 1;
  }
  const d = recipe.distill;
  if (d) {
    // Saturating in epochs (most of the recovery comes early); temperature on a log scale around 4.
    out[8] = d.epochs / (d.epochs + 1);
    out[9] = Math.min(1, Math.max(0, Math.log2(d.temperature) / 5));
    out[10] = d.alpha;
    out[11] = d.layers === 'all' ? 1 : d.layers / (d.layers + 1);
  }
  return out;
}
