import {
  ACTIVATION_BITS,
  GRANULARITIES,
  PRUNE_CRITERIA,
  PRUNE_DEFAULTS,
  PRUNE_REPAIRS,
  PRUNE_SCOPES,
  PRUNE_STRUCTURES,
  WEIGHT_BITS,
  WEIGHT_CLIPS,
  WEIGHT_ROUNDINGS,
  type Technique,
} from './recipe.js';

/** A value a recipe parameter can take. */
export type ParamValue = string | number | boolean;

interface ParamCommon {
  /**
   * The value a recipe that leaves the parameter out gets from the kernels. Only optional
   * parameters have one; every other parameter is required in a recipe.
   */
  readonly kernelDefault?: ParamValue;
  /**
   * The value a recipe that leaves the parameter out gets where it enters (CLI, API, file): the
   * parameter is filled in there, so a validated recipe always holds it (and so do stored recipes
   * and their keys). `{"quant":{"weightBits":4}}` is weight-only, per-channel, symmetric.
   */
  readonly entryDefault?: ParamValue;
  /** The value a search space that leaves the parameter out fixes it to. */
  readonly spaceDefault?: ParamValue;
  /** When the parameter means something, given the technique's other fields (default: always). */
  readonly relevant?: (fields: Readonly<Record<string, unknown>>) => boolean;
}

/**
 * What values one recipe parameter accepts: a real (an interval), an integer set (maybe with
 * extra named values such as `'all'`) or an enumeration. `describe` is the phrase of the error
 * message (`… must be in (0, 1], got 1.5`).
 */
export type ParamDomain = ParamCommon &
  (
    | { readonly kind: 'real'; readonly describe: string; readonly accepts: (x: number) => boolean }
    | {
        readonly kind: 'integer';
        readonly describe: string;
        readonly accepts: (x: number) => boolean;
        /** Named values accepted beside integers. */
        readonly named?: readonly string[];
      }
    | { readonly kind: 'enum'; readonly choices: readonly ParamValue[]; readonly describe?: string }
  );

const unstructured = (f: Readonly<Record<string, unknown>>): boolean => f['structure'] === 'unstructured';

/**
 * The one table of recipe parameters, per technique in recipe order: `parseRecipe` validates
 * against it and the search space takes its domains and defaults from it.
 *
 * Space defaults are Frontier's choices for a parameter a space leaves out: distillation at
 * temperature 4 with equal soft/hard weight for one epoch over all layers (the middle of the ranges
 * Hinton et al. 2015, "Distilling the Knowledge in a Neural Network", report working), and int8
 * per-channel symmetric activations/weights, the configuration TFLite and onnxruntime quantize to
 * by default. Entry defaults are the same choices for a recipe written by hand, except that a
 * quant recipe naming only its weight width quantizes the weights alone (float activations).
 */
export const RECIPE_PARAMS: { readonly [T in Technique]: { readonly [param: string]: ParamDomain } } = {
  lowRank: {
    rankRatio: { kind: 'real', describe: 'in (0, 1]', accepts: (x) => x > 0 && x <= 1 },
  },
  prune: {
    ratio: { kind: 'real', describe: 'in [0, 1)', accepts: (x) => x >= 0 && x < 1 },
    structure: { kind: 'enum', choices: PRUNE_STRUCTURES, spaceDefault: 'unstructured' },
    scope: { kind: 'enum', choices: PRUNE_SCOPES, kernelDefault: PRUNE_DEFAULTS.scope, relevant: unstructured },
    criterion: { kind: 'enum', choices: PRUNE_CRITERIA, kernelDefault: PRUNE_DEFAULTS.criterion },
    repair: { kind: 'enum', choices: PRUNE_REPAIRS, kernelDefault: PRUNE_DEFAULTS.repair },
  },
  distill: {
    temperature: { kind: 'real', describe: '> 0', accepts: (x) => x > 0, entryDefault: 4, spaceDefault: 4 },
    alpha: { kind: 'real', describe: 'in [0, 1]', accepts: (x) => x >= 0 && x <= 1, entryDefault: 0.5, spaceDefault: 0.5 },
    epochs: { kind: 'real', describe: '> 0', accepts: (x) => x > 0, entryDefault: 1, spaceDefault: 1 },
    layers: {
      kind: 'integer',
      describe: 'an integer ≥ 1',
      accepts: (x) => Number.isInteger(x) && x >= 1,
      named: ['all'],
      entryDefault: 'all',
      spaceDefault: 'all',
    },
  },
  quant: {
    weightBits: {
      kind: 'integer',
      describe: 'an integer 1–8, 16 or 32',
      accepts: (x) => (WEIGHT_BITS as readonly number[]).includes(x),
    },
    activationBits: { kind: 'enum', choices: ACTIVATION_BITS, entryDefault: 32, spaceDefault: 8 },
    granularity: { kind: 'enum', choices: GRANULARITIES, entryDefault: 'per-channel', spaceDefault: 'per-channel' },
    symmetric: { kind: 'enum', choices: [false, true], describe: 'true or false', entryDefault: true, spaceDefault: true },
    clip: { kind: 'enum', choices: WEIGHT_CLIPS, kernelDefault: 'min-max' },
    rounding: { kind: 'enum', choices: WEIGHT_ROUNDINGS, kernelDefault: 'nearest', relevant: (f) => f['activationBits'] === 32 && (f['weightBits'] as number) <= 8 },
  },
};

/**
 * Why the fields of one technique do not go together, or undefined when they do. Integer kernels
 * (QLinearConv, QGemm) multiply integer activations by integer weights, so int8 activations need
 * weights of at most 8 bits.
 */
export function crossFieldProblem(technique: Technique, fields: Readonly<Record<string, unknown>>): { field: string; message: string } | undefined {
  if (technique === 'quant' && fields['activationBits'] === 8 && (fields['weightBits'] as number) > 8) {
    return { field: 'weightBits', message: `must be ≤ 8 when quant.activationBits is 8` };
  }
  // Channel pruning removes the same fraction from every group, so a cross-layer score has nothing to rank.
  if (technique === 'prune' && fields['structure'] === 'channel' && (fields['criterion'] === 'lamp' || fields['criterion'] === 'sensitivity')) {
    return { field: 'criterion', message: `'${String(fields['criterion'])}' ranks single weights: use 'l1', 'l2' or 'contribution' with structure 'channel'` };
  }
  if (technique === 'prune' && fields['structure'] === 'unstructured' && fields['criterion'] === 'contribution') {
    return { field: 'criterion', message: `'contribution' ranks channels: use 'l1', 'l2', 'lamp' or 'sensitivity' with structure 'unstructured'` };
  }
  // Sensitivity chooses each layer's share of one global budget; a ratio per layer leaves it nothing to choose.
  if (technique === 'prune' && fields['structure'] === 'unstructured' && fields['criterion'] === 'sensitivity' && fields['scope'] === 'layer') {
    return { field: 'scope', message: `must be 'global' with criterion 'sensitivity', which chooses each layer's sparsity itself` };
  }
  return undefined;
}

/** Whether a parameter means something given the technique's other fields. */
export function isRelevant(technique: Technique, param: string, fields: Readonly<Record<string, unknown>>): boolean {
  return RECIPE_PARAMS[technique][param]?.relevant?.(fields) ?? true;
}
