import { SearchError } from '../errors.js';
import {
  ACTIVATION_BITS,
  GRANULARITIES,
  PRUNE_CRITERIA,
  PRUNE_SCOPES,
  PRUNE_STRUCTURES,
  TECHNIQUES,
  WEIGHT_BITS,
  type DistillRecipe,
  type LowRankRecipe,
  type PruneRecipe,
  type QuantRecipe,
  type Recipe,
} from './recipe.js';

type Fields = Record<string, unknown>;

function fail(message: string, field: string, value: unknown): never {
  throw new SearchError('BAD_RECIPE', message, { field, value });
}

/** A value as it appears in an error message. */
export function show(value: unknown): string {
  return typeof value === 'string' || (typeof value === 'object' && value !== null) ? JSON.stringify(value) : String(value);
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
      fail(`unknown recipe field ${path} (allowed: ${allowed.join(', ')})`, path, o[key]);
    }
  }
}

function finite(o: Fields, field: string, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${field}.${key} must be a finite number, got ${show(v)}`, `${field}.${key}`, v);
  return v;
}

function oneOf<T>(o: Fields, field: string, key: string, allowed: readonly T[]): T {
  const v = o[key];
  if (!allowed.includes(v as T)) {
    fail(`${field}.${key} must be one of ${allowed.map(show).join(', ')}, got ${show(v)}`, `${field}.${key}`, v);
  }
  return v as T;
}

function lowRank(value: unknown): LowRankRecipe {
  const o = object(value, 'lowRank');
  onlyKeys(o, 'lowRank', ['rankRatio']);
  const rankRatio = finite(o, 'lowRank', 'rankRatio');
  if (!(rankRatio > 0 && rankRatio <= 1)) fail(`lowRank.rankRatio must be in (0, 1], got ${rankRatio}`, 'lowRank.rankRatio', rankRatio);
  return { rankRatio };
}

function prune(value: unknown): PruneRecipe {
  const o = object(value, 'prune');
  onlyKeys(o, 'prune', ['ratio', 'structure', 'scope', 'criterion']);
  const ratio = finite(o, 'prune', 'ratio');
  if (!(ratio >= 0 && ratio < 1)) fail(`prune.ratio must be in [0, 1), got ${ratio}`, 'prune.ratio', ratio);
  const structure = oneOf(o, 'prune', 'structure', PRUNE_STRUCTURES);
  const scope = o['scope'] === undefined ? undefined : oneOf(o, 'prune', 'scope', PRUNE_SCOPES);
  const criterion = o['criterion'] === undefined ? undefined : oneOf(o, 'prune', 'criterion', PRUNE_CRITERIA);
  return { ratio, structure, ...(scope ? { scope } : {}), ...(criterion ? { criterion } : {}) };
}

function distill(value: unknown): DistillRecipe {
  const o = object(value, 'distill');
  onlyKeys(o, 'distill', ['temperature', 'alpha', 'epochs', 'layers']);
  const temperature = finite(o, 'distill', 'temperature');
  if (!(temperature > 0)) fail(`distill.temperature must be > 0, got ${temperature}`, 'distill.temperature', temperature);
  const alpha = finite(o, 'distill', 'alpha');
  if (!(alpha >= 0 && alpha <= 1)) fail(`distill.alpha must be in [0, 1], got ${alpha}`, 'distill.alpha', alpha);
  const epochs = finite(o, 'distill', 'epochs');
  if (!(epochs > 0)) fail(`distill.epochs must be > 0, got ${epochs}`, 'distill.epochs', epochs);
  const layers = o['layers'];
  if (layers !== 'all' && !(typeof layers === 'number' && Number.isInteger(layers) && layers >= 1)) {
    fail(`distill.layers must be "all" or an integer ≥ 1, got ${show(layers)}`, 'distill.layers', layers);
  }
  return { temperature, alpha, epochs, layers };
}

function quant(value: unknown): QuantRecipe {
  const o = object(value, 'quant');
  onlyKeys(o, 'quant', ['weightBits', 'activationBits', 'granularity', 'symmetric']);
  const weightBits = o['weightBits'];
  if (!WEIGHT_BITS.includes(weightBits as QuantRecipe['weightBits'])) {
    fail(`quant.weightBits must be an integer 1–8, 16 or 32, got ${show(weightBits)}`, 'quant.weightBits', weightBits);
  }
  const activationBits = oneOf(o, 'quant', 'activationBits', ACTIVATION_BITS);
  const granularity = oneOf(o, 'quant', 'granularity', GRANULARITIES);
  const symmetric = o['symmetric'];
  if (typeof symmetric !== 'boolean') fail(`quant.symmetric must be true or false, got ${show(symmetric)}`, 'quant.symmetric', symmetric);
  if (activationBits === 8 && (weightBits as number) > 8) {
    // Integer kernels (QLinearConv, QGemm) multiply integer activations by integer weights.
    fail(`quant.weightBits must be ≤ 8 when quant.activationBits is 8, got ${show(weightBits)}`, 'quant.weightBits', weightBits);
  }
  return { weightBits: weightBits as QuantRecipe['weightBits'], activationBits, granularity, symmetric };
}

/**
 * Checks a recipe strictly — unknown fields, wrong types and out-of-range values are rejected with
 * `BAD_RECIPE` naming the field and the value (`details` holds `field` and `value`) — and returns
 * a copy holding only the recipe's own fields.
 */
export function parseRecipe(value: unknown): Recipe {
  const o = object(value, 'recipe');
  onlyKeys(o, '', TECHNIQUES);
  return {
    ...(o['lowRank'] !== undefined ? { lowRank: lowRank(o['lowRank']) } : {}),
    ...(o['prune'] !== undefined ? { prune: prune(o['prune']) } : {}),
    ...(o['distill'] !== undefined ? { distill: distill(o['distill']) } : {}),
    ...(o['quant'] !== undefined ? { quant: quant(o['quant']) } : {}),
  };
}

/** The reason `value` is not a valid recipe, or undefined when it is one. */
export function recipeProblem(value: unknown): string | undefined {
  try {
    parseRecipe(value);
    return undefined;
  } catch (err) {
    if (err instanceof SearchError) return err.message;
    throw err;
  }
}
