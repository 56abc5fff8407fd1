import { SearchError } from '../errors.js';
import { canonicalNumber, RECIPE_PARAMS, show, TECHNIQUES, type ParamDomain, type Technique } from '@frontier/workers';
import type { CategoricalGene, Gene, NumericGene } from './gene.js';
import { SearchSpace, type ParamLayout, type TechniqueLayout } from './search-space.js';
import type { Choice, RangeSpec } from './space-spec.js';

/** Integer ranges up to this many values are discrete genes with levels (finer ones are rounded reals). */
const MAX_INTEGER_LEVELS = 1000;

function fail(path: string, message: string, value: unknown): never {
  throw new SearchError('BAD_SPACE', `${path} ${message}`, { field: path, value });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkChoice(path: string, domain: ParamDomain, v: unknown): Choice {
  switch (domain.kind) {
    case 'enum':
      if (!domain.choices.includes(v as Choice)) fail(path, `must be one of ${domain.choices.map(show).join(', ')}, got ${show(v)}`, v);
      return v as Choice;
    case 'real':
      if (typeof v !== 'number' || !Number.isFinite(v) || !domain.accepts(v)) fail(path, `must be a number ${domain.describe}, got ${show(v)}`, v);
      return v;
    case 'integer':
      if (typeof v === 'string' && domain.named?.includes(v)) return v;
      if (typeof v !== 'number' || !domain.accepts(v)) {
        const named = domain.named ? ` or ${domain.named.map(show).join(', ')}` : '';
        fail(path, `must be ${domain.describe}${named}, got ${show(v)}`, v);
      }
      return v;
  }
}

type GeneShape = Omit<CategoricalGene, 'name' | 'technique' | 'param'> | Omit<NumericGene, 'name' | 'technique' | 'param'>;
type ParsedParam = { readonly fixed: Choice } | { readonly gene: GeneShape };

function parseValues(path: string, domain: ParamDomain, raw: unknown): ParsedParam {
  if (!Array.isArray(raw) || raw.length === 0) fail(path, `must be a non-empty list, got ${show(raw)}`, raw);
  const values = raw.map((v, i) => checkChoice(`${path}[${i}]`, domain, v));
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) fail(path, `lists ${show(dup)} twice`, raw);
  if (values.length === 1) return { fixed: values[0]! };
  if (values.every((v) => typeof v === 'number')) {
    const levels = [...values].sort((a, b) => a - b);
    const integer = domain.kind === 'integer';
    return { gene: { kind: 'numeric', low: levels[0]!, high: levels.at(-1)!, log: false, integer, levels } };
  }
  return { gene: { kind: 'categorical', choices: values } };
}

function parseRange(path: string, domain: ParamDomain, raw: Record<string, unknown>): ParsedParam {
  if (domain.kind === 'enum') fail(path, `takes a value or {values: [...]}, not a range: ${show(raw)}`, raw);
  for (const key of Object.keys(raw)) {
    if (!['low', 'high', 'step', 'log'].includes(key)) fail(path, `has unknown range field ${show(key)} (allowed: low, high, step, log)`, raw);
  }
  const { low, high, step, log } = raw as Partial<Record<keyof RangeSpec, unknown>>;
  checkChoice(`${path}.low`, domain, low);
  checkChoice(`${path}.high`, domain, high);
  if (typeof low !== 'number' || typeof high !== 'number') fail(path, `needs numeric low and high, got ${show(raw)}`, raw);
  if (!(low <= high)) fail(path, `needs low ≤ high, got low ${low} > high ${high}`, raw);
  if (log !== undefined && typeof log !== 'boolean') fail(`${path}.log`, `must be true or false, got ${show(log)}`, log);
  const integer = domain.kind === 'integer';
  for (const [name, v] of [['low', low], ['high', high]] as const) {
    if (!integer && canonicalNumber(v) !== v) fail(`${path}.${name}`, `must have at most 4 significant digits (recipes keep 4), got ${v}`, v);
  }
  if (integer && high - low <= MAX_INTEGER_LEVELS) {
    for (let v = low; v <= high; v++) if (!domain.accepts(v)) fail(path, `includes ${v}, which is not ${domain.describe}; list the values instead`, raw);
  }
  if (low === high) return { fixed: low };
  if (log === true && !(low > 0)) fail(`${path}.low`, `must be > 0 on a log scale, got ${low}`, low);
  if (step !== undefined) {
    if (log === true) fail(path, `cannot combine step and log; list the values instead`, raw);
    if (typeof step !== 'number' || !(step > 0) || (integer && !Number.isInteger(step))) {
      fail(`${path}.step`, `must be a ${integer ? 'positive integer' : 'positive number'}, got ${show(step)}`, step);
    }
    const count = (high - low) / step;
    if (Math.abs(count - Math.round(count)) > 1e-9 * Math.max(1, count)) fail(path, `needs high − low to be a multiple of step, got ${show(raw)}`, raw);
    const levels = Array.from({ length: Math.round(count) + 1 }, (_, k) => (integer ? low + k * step : canonicalNumber(low + k * step)));
    return { gene: { kind: 'numeric', low, high, log: false, integer, levels } };
  }
  const linearIntegers = integer && log !== true && high - low < MAX_INTEGER_LEVELS;
  const levels = linearIntegers ? Array.from({ length: high - low + 1 }, (_, k) => low + k) : undefined;
  return { gene: { kind: 'numeric', low, high, log: log === true, integer, levels } };
}

function parseParam(path: string, domain: ParamDomain, raw: unknown): ParsedParam {
  if (isRecord(raw)) {
    if ('values' in raw) {
      if (Object.keys(raw).length !== 1) fail(path, `takes {values: [...]} alone, got ${show(raw)}`, raw);
      return parseValues(`${path}.values`, domain, raw['values']);
    }
    return parseRange(path, domain, raw);
  }
  if (raw === null || Array.isArray(raw)) fail(path, `must be a value, {values: [...]} or {low, high, step?, log?}, got ${show(raw)}`, raw);
  return { fixed: checkChoice(path, domain, raw) };
}

function parseTechnique(technique: Technique, raw: unknown, genes: Gene[]): TechniqueLayout {
  const path = `space.${technique}`;
  if (!isRecord(raw)) fail(path, `must be an object, got ${show(raw)}`, raw);
  const domains = RECIPE_PARAMS[technique];
  for (const key of Object.keys(raw)) {
    if (key !== 'optional' && !(key in domains)) fail(path, `has unknown parameter ${show(key)} (allowed: optional, ${Object.keys(domains).join(', ')})`, raw);
  }
  const optional = raw['optional'] ?? true;
  if (typeof optional !== 'boolean') fail(`${path}.optional`, `must be true or false, got ${show(optional)}`, optional);
  let switchGene: number | undefined;
  if (optional) {
    switchGene = genes.length;
    genes.push({ kind: 'categorical', name: technique, technique, param: undefined, choices: [false, true] });
  }
  const params: ParamLayout[] = [];
  for (const [param, domain] of Object.entries(domains)) {
    const given = raw[param];
    if (given === undefined && domain.spaceDefault === undefined) {
      if (domain.kernelDefault !== undefined) continue; // a kernel option the space leaves to the kernel
      fail(`${path}.${param}`, 'is required', undefined);
    }
    const parsed = parseParam(`${path}.${param}`, domain, given ?? domain.spaceDefault);
    if ('fixed' in parsed) {
      params.push({ param, fixed: parsed.fixed });
    } else {
      params.push({ param, gene: genes.length });
      genes.push({ ...parsed.gene, name: `${technique}.${param}`, technique, param });
    }
  }
  return { technique, optional, switchGene, params };
}

/**
 * Validates a user's search space (JSON) and compiles it into a {@link SearchSpace}. Errors are
 * `BAD_SPACE` and name the path and the value: `space.prune.ratio.high must be a number in [0, 1),
 * got 1.2`.
 */
export function defineSpace(spec: unknown): SearchSpace {
  if (!isRecord(spec)) fail('space', `must be an object, got ${show(spec)}`, spec);
  for (const key of Object.keys(spec)) {
    if (!(TECHNIQUES as readonly string[]).includes(key)) fail('space', `has unknown technique ${show(key)} (allowed: ${TECHNIQUES.join(', ')})`, spec);
  }
  const genes: Gene[] = [];
  const layouts = TECHNIQUES.filter((t) => spec[t] !== undefined).map((t) => parseTechnique(t, spec[t], genes));
  if (layouts.length === 0) fail('space', `must include at least one technique (${TECHNIQUES.join(', ')})`, spec);
  return new SearchSpace(layouts, genes, spec);
}
