import { WorkersError } from '../errors.js';
import { PRUNE_DEFAULTS, TECHNIQUES, type ParsedRecipe, type Recipe, type Technique } from './recipe.js';
import { crossFieldProblem, RECIPE_PARAMS, type ParamDomain } from './recipe-params.js';

type Fields = Record<string, unknown>;

function fail(message: string, field: string, value: unknown): never {
  throw new WorkersError('BAD_RECIPE', message, { field, value });
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
      fail(`unknown recipe field ${path} (allowed${field ? ` in ${field}` : ''}: ${allowed.join(', ')})`, path, o[key]);
    }
  }
}

/** Checks one parameter against its domain; throws `BAD_RECIPE` naming `path` and the value. */
function checkParam(path: string, domain: ParamDomain, v: unknown): void {
  switch (domain.kind) {
    case 'real':
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path} must be a finite number, got ${show(v)}`, path, v);
      if (!domain.accepts(v)) fail(`${path} must be ${domain.describe}, got ${v}`, path, v);
      return;
    case 'integer':
      if (typeof v === 'string' && domain.named?.includes(v)) return;
      if (typeof v !== 'number' || !domain.accepts(v)) {
        const named = domain.named ? `${domain.named.map(show).join(', ')} or ` : '';
        fail(`${path} must be ${named}${domain.describe}, got ${show(v)}`, path, v);
      }
      return;
    case 'enum':
      if (!domain.choices.includes(v as never)) {
        fail(`${path} must be ${domain.describe ?? `one of ${domain.choices.map(show).join(', ')}`}, got ${show(v)}`, path, v);
      }
      return;
  }
}

/** One technique's fields, checked in table order; optional fields left out stay out. */
function technique(t: Technique, value: unknown): Fields {
  const o = object(value, t);
  const domains = RECIPE_PARAMS[t];
  onlyKeys(o, t, Object.keys(domains));
  const out: Fields = {};
  for (const [param, domain] of Object.entries(domains)) {
    if (o[param] === undefined && domain.kernelDefault !== undefined) continue;
    const v = o[param] === undefined ? domain.entryDefault : o[param];
    checkParam(`${t}.${param}`, domain, v);
    out[param] = v;
  }
  const problem = crossFieldProblem(t, out);
  if (problem) {
    const path = `${t}.${problem.field}`;
    fail(`${path} ${problem.message}, got ${show(out[problem.field])}`, path, out[problem.field]);
  }
  return out;
}

/**
 * Checks a recipe strictly — unknown fields, wrong types and out-of-range values are rejected with
 * `BAD_RECIPE` naming the field and the value (`prune.ratio must be in [0, 1), got 1`; `details`
 * holds `field` and `value`) — and returns a copy holding only the recipe's own fields, with the
 * entry defaults of the fields it left out (`{"distill":{}}` is temperature 4, alpha 0.5, one
 * epoch, all layers; see `RECIPE_PARAMS`).
 */
export function validateRecipe(value: unknown): Recipe {
  const o = object(value, 'recipe');
  onlyKeys(o, '', TECHNIQUES);
  const out: Fields = {};
  for (const t of TECHNIQUES) if (o[t] !== undefined) out[t] = technique(t, o[t]);
  return out;
}

/**
 * Checks a recipe like {@link validateRecipe} and fills in the kernel defaults: the normalized
 * value that travels to the kernels once a recipe has entered (CLI, API, sampler, worker entry).
 */
export function parseRecipe(value: unknown): ParsedRecipe {
  const r = validateRecipe(value);
  return r.prune ? { ...r, prune: { ...PRUNE_DEFAULTS, ...r.prune } } : (r as ParsedRecipe);
}

/** The reason `value` is not a valid recipe, or undefined when it is one. */
export function recipeProblem(value: unknown): string | undefined {
  try {
    validateRecipe(value);
    return undefined;
  } catch (err) {
    if (err instanceof WorkersError) return err.message;
    throw err;
  }
}
