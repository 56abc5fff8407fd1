import {
  ACTIVATION_BITS,
  GRANULARITIES,
  PRUNE_CRITERIA,
  PRUNE_SCOPES,
  PRUNE_STRUCTURES,
  WEIGHT_BITS,
  type Technique,
} from '../recipe/recipe.js';
import type { Choice } from './space-spec.js';

/**
 * What values one recipe parameter accepts, mirrored from `parseRecipe`: real (an interval),
 * integer (a set of integers, maybe with extra named values such as `'all'`) or an enumeration.
 */
export type ParamDomain =
  | { readonly kind: 'real'; readonly describe: string; readonly accepts: (x: number) => boolean; readonly default?: number }
  | {
      readonly kind: 'integer';
      readonly describe: string;
      readonly accepts: (x: number) => boolean;
      /** Named values accepted beside integers (only in `values` lists). */
      readonly named?: readonly string[];
      readonly default?: Choice;
    }
  | { readonly kind: 'enum'; readonly choices: readonly Choice[]; readonly default?: Choice };

/**
 * The parameters of each technique in recipe order. Defaults are Frontier's choices for a
 * parameter a space leaves out: distillation at temperature 4 with equal soft/hard weight for one
 * epoch over all layers (the middle of the ranges Hinton et al. 2015, "Distilling the Knowledge in
 * a Neural Network", report working), and int8 per-channel symmetric activations/weights, the
 * configuration TFLite and onnxruntime quantize to by default.
 */
export const PARAM_DOMAINS: { readonly [T in Technique]: { readonly [param: string]: ParamDomain } } = {
  lowRank: {
    rankRatio: { kind: 'real', describe: 'in (0, 1]', accepts: (x) => x > 0 && x <= 1 },
  },
  prune: {
    ratio: { kind: 'real', describe: 'in [0, 1)', accepts: (x) => x >= 0 && x < 1 },
    structure: { kind: 'enum', choices: PRUNE_STRUCTURES, default: 'unstructured' },
    scope: { kind: 'enum', choices: PRUNE_SCOPES },
    criterion: { kind: 'enum', choices: PRUNE_CRITERIA },
  },
  distill: {
    temperature: { kind: 'real', describe: '> 0', accepts: (x) => x > 0, default: 4 },
    alpha: { kind: 'real', describe: 'in [0, 1]', accepts: (x) => x >= 0 && x <= 1, default: 0.5 },
    epochs: { kind: 'real', describe: '> 0', accepts: (x) => x > 0, default: 1 },
    layers: { kind: 'integer', describe: 'an integer ≥ 1', accepts: (x) => Number.isInteger(x) && x >= 1, named: ['all'], default: 'all' },
  },
  quant: {
    weightBits: {
      kind: 'integer',
      describe: 'an integer 1–8, 16 or 32',
      accepts: (x) => (WEIGHT_BITS as readonly number[]).includes(x),
    },
    activationBits: { kind: 'enum', choices: ACTIVATION_BITS, default: 8 },
    granularity: { kind: 'enum', choices: GRANULARITIES, default: 'per-channel' },
    symmetric: { kind: 'enum', choices: [false, true], default: true },
  },
};
