/**
 * One candidate's compression configuration, applied in this order: `lowRank` → `prune` →
 * `distill` → `quant`. A technique left out is not applied. The one definition: `@frontier/search`
 * imports it, and {@link RECIPE_PARAMS} derives validation and search-space domains from it.
 */
export interface Recipe {
  readonly lowRank?: LowRankRecipe;
  readonly prune?: PruneRecipe;
  readonly distill?: DistillRecipe;
  readonly quant?: QuantRecipe;
}

/** The techniques, in the order a recipe applies them. */
export const TECHNIQUES = ['lowRank', 'prune', 'distill', 'quant'] as const;
export type Technique = (typeof TECHNIQUES)[number];

export interface LowRankRecipe {
  /** Kept rank as a fraction of the full rank min(out, in), in (0, 1]. */
  readonly rankRatio: number;
}

export const PRUNE_STRUCTURES = ['unstructured', 'channel'] as const;
export const PRUNE_SCOPES = ['global', 'layer'] as const;
export const PRUNE_CRITERIA = ['l1', 'l2', 'lamp', 'contribution', 'sensitivity'] as const;
export const PRUNE_REPAIRS = ['none', 'bias', 'affine', 'reconstruct'] as const;
/**
 * What the kernels apply when a prune recipe leaves `scope`, `criterion` or `repair` out. Repair is
 * off by default because it needs calibration images, which a recipe compressed without data does
 * not have (and recipes stored before it existed keep their meaning); 'affine' measures best.
 */
export const PRUNE_DEFAULTS = { scope: 'global', criterion: 'l1', repair: 'none' } as const satisfies Required<Pick<PruneRecipe, 'scope' | 'criterion' | 'repair'>>;

export interface PruneRecipe {
  /** Unstructured: fraction of weights set to zero; channel: fraction of output channels removed. In [0, 1). */
  readonly ratio: number;
  readonly structure: (typeof PRUNE_STRUCTURES)[number];
  /**
   * Unstructured only: one magnitude threshold over all layers, or one per layer. Default 'global'.
   * Criterion 'sensitivity' chooses each layer's share of a global budget, so it takes 'global' only.
   */
  readonly scope?: (typeof PRUNE_SCOPES)[number];
  /**
   * What ranks the weights. Channel: the filter norm, 'l1' or 'l2', or 'contribution', the
   * expected squared output each channel feeds into the next layers, measured on calibration
   * images (see `channelContributions`). Unstructured: 'l1' and 'l2' rank single weights alike
   * (|w|); 'lamp' ranks them by LAMP score (Lee et al. 2021), robust to per-layer scales, for a
   * global threshold; 'sensitivity' gives each layer its own sparsity, chosen from the damage
   * pruning it alone does to the outputs on calibration images, to spend the global ratio where it
   * hurts least (see `sensitivityAllocation`; global only: scope 'layer' is refused). Default 'l1'.
   */
  readonly criterion?: (typeof PRUNE_CRITERIA)[number];
  /**
   * Repair without training after pruning, from calibration images of the fit split (see
   * `correctBiases`): 'bias' restores every layer's per-channel output means through its bias,
   * 'affine' restores means and standard deviations (filter and bias rescaled); 'reconstruct'
   * refits every layer's weights and bias by least squares to the unpruned model's outputs, pruned
   * weights held at zero (see `fitLayers`), then restores means and deviations as 'affine' does;
   * 'none' leaves the pruned weights as they are. Default 'none'.
   */
  readonly repair?: (typeof PRUNE_REPAIRS)[number];
}

export interface DistillRecipe {
  /** Softmax temperature of the distillation loss, > 0. */
  readonly temperature: number;
  /** Weight of the soft (teacher) term in [0, 1]; the hard-label term gets 1 − alpha. */
  readonly alpha: number;
  /** Fine-tuning epochs, > 0 (a fraction trains on part of an epoch). */
  readonly epochs: number;
  /** Which parametric layers train: all, or the last k. */
  readonly layers: 'all' | number;
}

/** Weight widths: 1–8 bits quantized, 16 half precision, 32 left as float32. */
export const WEIGHT_BITS = [1, 2, 3, 4, 5, 6, 7, 8, 16, 32] as const;
export type WeightBits = (typeof WEIGHT_BITS)[number];
export const ACTIVATION_BITS = [8, 32] as const;
export const GRANULARITIES = ['per-tensor', 'per-channel'] as const;
export const WEIGHT_CLIPS = ['min-max', 'mse'] as const;
export const WEIGHT_ROUNDINGS = ['nearest', 'gptq'] as const;

export interface QuantRecipe {
  readonly weightBits: WeightBits;
  /** 8: static int8 activations; 32: float activations (weight-only quantization). */
  readonly activationBits: (typeof ACTIVATION_BITS)[number];
  readonly granularity: (typeof GRANULARITIES)[number];
  /** Symmetric weights (zero point 0) or asymmetric (zero point fitted to the range). */
  readonly symmetric: boolean;
  /**
   * How each weight range is set: 'min-max' (default) covers every weight; 'mse' clips it to the
   * range of least reconstruction error (see `quantizeTensor`), better at 4 bits and below.
   */
  readonly clip?: (typeof WEIGHT_CLIPS)[number];
  /**
   * How weight-only codes (activationBits 32, 1–8 bits) are chosen: 'nearest' (default) rounds each
   * weight to its nearest code; 'gptq' rounds layer by layer on calibration images, each weight's
   * rounding error absorbed by the weights after it so that the layer's outputs move least (see
   * `fitLayers`), the data-aware rounding that holds at 4 bits and below.
   */
  readonly rounding?: (typeof WEIGHT_ROUNDINGS)[number];
}

/**
 * Whether compressing by the recipe needs images (the fit split): distillation, static int8,
 * repair after pruning, data-aware channel scores, per-layer sensitivity and rounding all calibrate
 * or train on them.
 */
export function recipeNeedsData(recipe: Recipe): boolean {
  const { prune, quant } = recipe;
  return (
    recipe.distill !== undefined ||
    quant?.activationBits === 8 ||
    (quant?.rounding === 'gptq' && quant.weightBits <= 8) ||
    (prune !== undefined && prune.ratio > 0 && ((prune.repair ?? PRUNE_DEFAULTS.repair) !== 'none' || prune.criterion === 'contribution' || prune.criterion === 'sensitivity'))
  );
}

/** A prune recipe with the kernel defaults filled in (what {@link parseRecipe} returns). */
export interface ParsedPruneRecipe extends PruneRecipe {
  readonly scope: NonNullable<PruneRecipe['scope']>;
  readonly criterion: NonNullable<PruneRecipe['criterion']>;
}

/**
 * A validated recipe with the kernel defaults filled in: what a recipe is after it has entered
 * (CLI, API, sampler, worker entry) and what travels from there to the kernels.
 */
export interface ParsedRecipe extends Recipe {
  readonly prune?: ParsedPruneRecipe;
}
