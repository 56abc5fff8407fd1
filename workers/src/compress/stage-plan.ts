import { WorkersError } from '../errors.js';
import { PRUNE_DEFAULTS, type PRUNE_CRITERIA, type PRUNE_REPAIRS, type DistillRecipe, type QuantRecipe, type Recipe } from '../recipe/recipe.js';

/** A repair after pruning (see `correctBiases`). */
export type PruneRepair = (typeof PRUNE_REPAIRS)[number];

/** One stage of a recipe, resolved to the kernel that applies it. */
export type PlannedStage =
  | { readonly stage: 'lowRank'; readonly kind: 'lowRank'; readonly rankRatio: number }
  | {
      readonly stage: 'prune';
      readonly kind: 'pruneUnstructured';
      readonly ratio: number;
      readonly scope: 'global' | 'layer';
      readonly criterion: UnstructuredCriterion;
      readonly repair: PruneRepair;
    }
  | { readonly stage: 'prune'; readonly kind: 'pruneChannel'; readonly ratio: number; readonly criterion: ChannelCriterion; readonly repair: PruneRepair }
  | { readonly stage: 'distill'; readonly kind: 'distill'; readonly recipe: DistillRecipe }
  | { readonly stage: 'quant'; readonly kind: 'quant'; readonly recipe: QuantRecipe };

/**
 * The stages a valid recipe runs, in recipe order — low-rank → prune → distill → quant — each
 * left out when the recipe leaves it out, with the kernel defaults for fields a (canonical) recipe
 * leaves out. `compress` and the pre-screen estimate both run this
 * plan, so they cannot disagree about what a recipe does.
 */
export function stagePlan(recipe: Recipe): PlannedStage[] {
  const plan: PlannedStage[] = [];
  if (recipe.lowRank) plan.push({ stage: 'lowRank', kind: 'lowRank', rankRatio: recipe.lowRank.rankRatio });
  const p = recipe.prune;
  if (p) {
    const repair = p.repair ?? PRUNE_DEFAULTS.repair;
    plan.push(
      p.structure === 'channel'
        ? { stage: 'prune', kind: 'pruneChannel', ratio: p.ratio, criterion: channelCriterion(p.criterion ?? PRUNE_DEFAULTS.criterion), repair }
        : { stage: 'prune', kind: 'pruneUnstructured', ratio: p.ratio, scope: p.scope ?? PRUNE_DEFAULTS.scope, criterion: unstructuredCriterion(p.criterion ?? PRUNE_DEFAULTS.criterion), repair },
    );
  }
  if (recipe.distill) plan.push({ stage: 'distill', kind: 'distill', recipe: recipe.distill });
  if (recipe.quant) plan.push({ stage: 'quant', kind: 'quant', recipe: recipe.quant });
  return plan;
}

/** What decides which single weights go: |w|, LAMP scores, or per-layer ratios from measured sensitivity. */
export type UnstructuredCriterion = 'magnitude' | 'lamp' | 'sensitivity';

/** What ranks channels: a filter norm, or the measured contribution to the next layers. */
export type ChannelCriterion = 'l1' | 'l2' | 'contribution';

/** A channel criterion; 'lamp' and 'sensitivity' with channel pruning are refused when the recipe is parsed. */
function channelCriterion(c: (typeof PRUNE_CRITERIA)[number]): ChannelCriterion {
  if (c === 'lamp' || c === 'sensitivity') throw new WorkersError('BAD_RECIPE', `prune.criterion '${c}' ranks single weights: use 'l1', 'l2' or 'contribution' with structure 'channel'`, { field: 'prune.criterion', value: c });
  return c;
}

/** An unstructured criterion; 'contribution' with unstructured pruning is refused when the recipe is parsed. */
function unstructuredCriterion(c: (typeof PRUNE_CRITERIA)[number]): UnstructuredCriterion {
  if (c === 'contribution') throw new WorkersError('BAD_RECIPE', `prune.criterion 'contribution' ranks channels: use 'l1', 'l2', 'lamp' or 'sensitivity' with structure 'unstructured'`, { field: 'prune.criterion', value: c });
  return c === 'lamp' || c === 'sensitivity' ? c : 'magnitude';
}
