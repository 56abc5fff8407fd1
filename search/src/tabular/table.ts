import { SearchError } from '../errors.js';
import { METRICS, type TrialMetrics } from '../objectives/objectives.js';
import { recipeKey } from '@frontier/workers';
import { show, validateRecipe } from '@frontier/workers';
import type { Recipe } from '@frontier/workers';
import { defineSpace } from '../space/define-space.js';
import type { SearchSpace } from '../space/search-space.js';
import type { SpaceSpec } from '../space/space-spec.js';

/** The version tag of the table format. */
export const TABLE_FORMAT = 'frontier-table/1';

/** One evaluated recipe. */
export interface TableRow {
  readonly recipe: Recipe;
  readonly metrics: TrialMetrics;
}

/**
 * A tabular benchmark as stored (JSON): every recipe of a finite space with its metrics, so that
 * samplers can be compared by replaying them against the table instead of compressing models.
 * Synthetic tables and tables from real zoo evaluations share this format.
 */
export interface TableFile {
  readonly format: typeof TABLE_FORMAT;
  readonly name: string;
  readonly description: string;
  /** How the metrics were made: a generator and its seed, or the evaluation run. */
  readonly source: string;
  readonly model: string;
  readonly dataset: string;
  readonly device: string;
  readonly space: SpaceSpec;
  /** How a measured table was made: versions, seed, timings, machine (free-form, not checked). */
  readonly provenance?: Readonly<Record<string, unknown>>;
  readonly rows: readonly TableRow[];
}

/** A validated table: the space, its rows, and lookup by recipe. */
export interface TabularBenchmark {
  readonly file: TableFile;
  readonly space: SearchSpace;
  /** The metrics of a recipe of the table; throws `BAD_RECIPE` for a recipe the table lacks. */
  lookup(recipe: Recipe): TrialMetrics;
}

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new SearchError('BAD_TABLE', message, details);
}

function parseMetrics(value: unknown, where: string): TrialMetrics {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${where}.metrics must be an object, got ${show(value)}`);
  for (const [key, v] of Object.entries(value)) {
    if (!(METRICS as readonly string[]).includes(key)) fail(`${where}.metrics has unknown metric ${show(key)} (allowed: ${METRICS.join(', ')})`);
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${where}.metrics.${key} must be a finite number, got ${show(v)}`);
  }
  return value;
}

/**
 * Validates a table (parsed JSON): its format tag, its space, and that its rows are exactly the
 * space's recipes — each once, with the same metrics everywhere — so any sampler can be replayed.
 */
export function parseTable(json: unknown): TabularBenchmark {
  if (typeof json !== 'object' || json === null) fail(`a table must be an object, got ${show(json)}`);
  const file = json as Partial<Record<keyof TableFile, unknown>>;
  if (file.format !== TABLE_FORMAT) fail(`table format must be ${show(TABLE_FORMAT)}, got ${show(file.format)}`);
  for (const key of ['name', 'description', 'source', 'model', 'dataset', 'device'] as const) {
    if (typeof file[key] !== 'string') fail(`table ${key} must be a string, got ${show(file[key])}`);
  }
  const space = defineSpace(file.space);
  if (!Number.isFinite(space.size)) fail('a table space must be finite: give every numeric parameter a step or a list of values');
  if (!Array.isArray(file.rows)) fail(`table rows must be a list, got ${show(file.rows)}`);
  const byKey = new Map<string, TrialMetrics>();
  let metricNames: string | undefined;
  file.rows.forEach((row: unknown, i) => {
    const where = `rows[${i}]`;
    if (typeof row !== 'object' || row === null) fail(`${where} must be an object, got ${show(row)}`);
    const { recipe: rawRecipe, metrics: rawMetrics } = row as { recipe?: unknown; metrics?: unknown };
    const recipe = validateRecipe(rawRecipe);
    const outside = space.whyOutside(recipe);
    if (outside !== undefined) fail(`${where}.recipe is outside the table's space: ${outside}`, { row: i });
    const key = recipeKey(recipe);
    if (byKey.has(key)) fail(`${where}.recipe repeats ${key}`, { row: i });
    const metrics = parseMetrics(rawMetrics, where);
    const names = Object.keys(metrics).sort().join(',');
    metricNames ??= names;
    if (names !== metricNames) fail(`${where}.metrics has ${names}, other rows ${metricNames}`, { row: i });
    byKey.set(key, metrics);
  });
  if (byKey.size !== space.size) fail(`table has ${byKey.size} recipes, its space ${space.size}: a table must cover its whole space`);
  return {
    file: file as TableFile,
    space,
    lookup(recipe: Recipe): TrialMetrics {
      const metrics = byKey.get(recipeKey(recipe));
      if (!metrics) throw new SearchError('BAD_RECIPE', `recipe ${recipeKey(recipe)} is not in table ${show(file.name)}`, { recipe });
      return metrics;
    },
  };
}
