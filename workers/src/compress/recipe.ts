import { WorkersError } from '../errors.js';

/**
 * One candidate's compression configuration. Stages run in this order: `lowRank` → `prune` →
 * `distill` → `quant`; a stage left out is not applied. `@frontier/search` defines the same shape.
 */
export interface Recipe {
  readonly lowRank?: LowRankRecipe;
  readonly prune?: PruneRecipe;
  readonly distill?: DistillRecipe;
  readonly quant?: QuantRecipe;
}

export interface LowRankRecipe {
  /** Kept rank as a fraction of the full rank min(out, in), in (0, 1]. */
  readonly rankRatio: number;
}

export interface PruneRecipe {
  /**
   * Unstructured: fraction of weights set to zero. Channel: fraction of output channels removed
   * from each prunable layer. In [0, 1).
   */
  readonly ratio: number;
  readonly structure: 'unstructured' | 'channel';
  /** Unstructured only: one magnitude threshold over all layers, or one per layer. Default 'global'. */
  readonly scope?: 'global' | 'layer';
  /** Channel only: filter norm ranking the channels. Default 'l1'. */
  readonly criterion?: 'l1' | 'l2';
}

export interface DistillRecipe {
  /** Softmax temperature of the knowledge-distillation loss, > 0. */
  readonly temperature: number;
  /** Weight of the soft (teacher) term in [0, 1]; the hard-label term gets 1 − alpha. */
  readonly alpha: number;
  /** Fine-tuning epochs, > 0 (fractions train on part of an epoch). */
  readonly epochs: number;
  /** Which parametric layers train: all, or the last N. */
  readonly layers: 'all' | number;
}

/** Weight widths: 1–8 bits quantized, 16 half precision, 32 left as float32. */
export type WeightBits = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 16 | 32;

export interface QuantRecipe {
  readonly weightBits: WeightBits;
  /** 8: static int8 activations (QDQ, calibrated); 32: float activations (weight-only). */
  readonly activationBits: 8 | 32;
  readonly granularity: 'per-tensor' | 'per-channel';
  /** Weights: symmetric (zero point 0) or asymmetric (zero point fitted to the range). */
  readonly symmetric: boolean;
}

type Fields = Record<string, unknown>;

function fail(message: string, field: string, value: unknown): never {
  throw new WorkersError('BAD_RECIPE', message, { field, value });
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
}

function object(value: unknown, field: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`${field} must be an object, got ${show(value)}`, field, value);
  }
  return value as Fields;
}

function onlyKeys(o: Fields, field: string, allowed: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) {
      const path = field ? `${field}.${key}` : key;
      fail(`unknown recipe field ${path} (allowed${field ? ` in ${field}` : ''}: ${allowed.join(', ')})`, path, o[key]);
    }
  }
}

function number(o: Fields, parent: string, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${parent}.${key} must be a finite number, got ${show(v)}`, `${parent}.${key}`, v);
  return v;
}

function oneOf<T>(o: Fields, parent: string, key: string, allowed: readonly T[], fallback?: T): T {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (!allowed.includes(v as T)) {
    fail(`${parent}.${key} must be one of ${allowed.map(show).join(', ')}, got ${show(v)}`, `${parent}.${key}`, v);
  }
  return v as T;
}

function lowRank(value: unknown): LowRankRecipe {
  const o = object(value, 'lowRank');
  onlyKeys(o, 'lowRank', ['rankRatio']);
  const rankRatio = number(o, 'lowRank', 'rankRatio');
  if (!(rankRatio > 0 && rankRatio <= 1)) fail(`lowRank.rankRatio must be in (0, 1], got ${rankRatio}`, 'lowRank.rankRatio', rankRatio);
  return { rankRatio };
}

function prune(value: unknown): PruneRecipe {
  const o = object(value, 'prune');
  onlyKeys(o, 'prune', ['ratio', 'structure', 'scope', 'criterion']);
  const ratio = number(o, 'prune', 'ratio');
  if (!(ratio >= 0 && ratio < 1)) fail(`prune.ratio must be in [0, 1), got ${ratio}`, 'prune.ratio', ratio);
  const structure = oneOf(o, 'prune', 'structure', ['unstructured', 'channel'] as const);
  const scope = oneOf(o, 'prune', 'scope', ['global', 'layer'] as const, 'global');
  const criterion = oneOf(o, 'prune', 'criterion', ['l1', 'l2'] as const, 'l1');
  return { ratio, structure, scope, criterion };
}

function distill(value: unknown): DistillRecipe {
  const o = object(value, 'distill');
  onlyKeys(o, 'distill', ['temperature', 'alpha', 'epochs', 'layers']);
  const temperature = number(o, 'distill', 'temperature');
  if (!(temperature > 0)) fail(`distill.temperature must be > 0, got ${temperature}`, 'distill.temperature', temperature);
  const alpha = number(o, 'distill', 'alpha');
  if (!(alpha >= 0 && alpha <= 1)) fail(`distill.alpha must be in [0, 1], got ${alpha}`, 'distill.alpha', alpha);
  const epochs = number(o, 'distill', 'epochs');
  if (!(epochs > 0)) fail(`distill.epochs must be > 0, got ${epochs}`, 'distill.epochs', epochs);
  const layers = o['layers'];
  if (layers !== 'all' && !(typeof layers === 'number' && Number.isInteger(layers) && layers >= 1)) {
    fail(`distill.layers must be "all" or an integer ≥ 1, got ${show(layers)}`, 'distill.layers', layers);
  }
  return { temperature, alpha, epochs, layers };
}

const WEIGHT_BITS: readonly WeightBits[] = [1, 2, 3, 4, 5, 6, 7, 8, 16, 32];

function quant(value: unknown): QuantRecipe {
  const o = object(value, 'quant');
  onlyKeys(o, 'quant', ['weightBits', 'activationBits', 'granularity', 'symmetric']);
  const weightBits = o['weightBits'];
  if (!WEIGHT_BITS.includes(weightBits as WeightBits)) {
    fail(`quant.weightBits must be an integer 1–8, 16 or 32, got ${show(weightBits)}`, 'quant.weightBits', weightBits);
  }
  const activationBits = oneOf(o, 'quant', 'activationBits', [8, 32] as const);
  const granularity = oneOf(o, 'quant', 'granularity', ['per-tensor', 'per-channel'] as const);
  const symmetric = o['symmetric'];
  if (typeof symmetric !== 'boolean') fail(`quant.symmetric must be true or false, got ${show(symmetric)}`, 'quant.symmetric', symmetric);
  if (activationBits === 8 && (weightBits as number) > 8) {
    // Integer kernels (QLinearConv, QGemm) multiply integer activations by integer weights.
    fail(`quant.weightBits must be ≤ 8 when quant.activationBits is 8, got ${show(weightBits)}`, 'quant.weightBits', weightBits);
  }
  return { weightBits: weightBits as WeightBits, activationBits, granularity, symmetric };
}

/**
 * Checks a recipe strictly — unknown fields, out-of-range values and wrong types are rejected with
 * `BAD_RECIPE` naming the field and the value (`prune.ratio must be in [0, 1), got 1`; `details`
 * holds `field` and `value`) — and returns it with defaults filled in.
 */
export function parseRecipe(value: unknown): Recipe {
  const o = object(value, 'recipe');
  onlyKeys(o, '', ['lowRank', 'prune', 'distill', 'quant']);
  return {
    ...(o['lowRank'] !== undefined ? { lowRank: lowRank(o['lowRank']) } : {}),
    ...(o['prune'] !== undefined ? { prune: prune(o['prune']) } : {}),
    ...(o['distill'] !== undefined ? { distill: distill(o['distill']) } : {}),
    ...(o['quant'] !== undefined ? { quant: quant(o['quant']) } : {}),
  };
}
