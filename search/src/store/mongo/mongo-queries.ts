// The MongoDB store's queries and the indexes that serve them, side by side, so a test can check
// that every query the adapter runs has an index (mongo-queries.test.ts).
import type { CandidateStatus, DedupKey, RunFilter, RunStatus } from '../types.js';
import { statusList } from '../store-rules.js';

/** Sort direction per field, in order. */
export type SortSpec = Readonly<Record<string, 1 | -1>>;

export interface IndexSpec {
  readonly name: string;
  readonly key: SortSpec;
  readonly unique?: boolean;
}

/** A filter (equality or `$in` per field) and an optional sort. */
export interface QuerySpec {
  readonly filter: Readonly<Record<string, unknown>>;
  readonly sort?: SortSpec;
}

export type CollectionName = 'models' | 'datasets' | 'devices' | 'runs' | 'candidates' | 'fronts';

/**
 * Indexes created when the store opens (createIndexes is a no-op for an index that exists).
 * `_id` is always indexed; fronts are found by `_id` only. GridFS indexes its own collections.
 */
export const mongoIndexes: Readonly<Record<CollectionName, readonly IndexSpec[]>> = {
  models: [
    { name: 'sha256_unique', key: { sha256: 1 }, unique: true },
    { name: 'name_id', key: { name: 1, _id: 1 } },
  ],
  datasets: [
    { name: 'sha256_unique', key: { sha256: 1 }, unique: true },
    { name: 'name_id', key: { name: 1, _id: 1 } },
  ],
  devices: [{ name: 'name_id', key: { name: 1, _id: 1 } }],
  runs: [
    { name: 'status_id', key: { status: 1, _id: -1 } },
    { name: 'model_id', key: { modelId: 1, _id: -1 } },
    { name: 'device_id', key: { deviceId: 1, _id: -1 } },
  ],
  candidates: [
    { name: 'run_seq_unique', key: { runId: 1, seq: 1 }, unique: true },
    { name: 'run_status', key: { runId: 1, status: 1 } },
    {
      name: 'reusable',
      key: { modelSha256: 1, dataset: 1, deviceId: 1, recipeKey: 1, status: 1, finishedAt: 1, _id: 1 },
    },
  ],
  fronts: [],
};

/** The queries of the adapter; each names its collection. */
export const mongoQueries = {
  modelBySha256: (sha256: string) => ({ collection: 'models', filter: { sha256 } }) as const,

  models(name?: string): { collection: 'models'; filter: Record<string, unknown>; sort: SortSpec } {
    return name === undefined
      ? { collection: 'models', filter: {}, sort: { name: 1, _id: 1 } }
      : { collection: 'models', filter: { name }, sort: { _id: 1 } };
  },

  datasetBySha256: (sha256: string) => ({ collection: 'datasets', filter: { sha256 } }) as const,

  datasets(name?: string): { collection: 'datasets'; filter: Record<string, unknown>; sort: SortSpec } {
    return name === undefined
      ? { collection: 'datasets', filter: {}, sort: { name: 1, _id: 1 } }
      : { collection: 'datasets', filter: { name }, sort: { _id: 1 } };
  },

  devices: () => ({ collection: 'devices', filter: {}, sort: { name: 1, _id: 1 } }) as const,

  runs(filter: RunFilter) {
    const f: Record<string, unknown> = {};
    if (filter.status !== undefined) f.status = { $in: [...statusList(filter.status)] };
    if (filter.modelId !== undefined) f.modelId = filter.modelId;
    if (filter.deviceId !== undefined) f.deviceId = filter.deviceId;
    return { collection: 'runs', filter: f, sort: { _id: -1 } } as const;
  },

  runsWithStatus: (status: RunStatus) => ({ collection: 'runs', filter: { status } }) as const,

  candidatesOfRun(runId: string, status?: readonly CandidateStatus[]) {
    const filter: Record<string, unknown> = { runId };
    if (status !== undefined) filter.status = { $in: [...status] };
    return { collection: 'candidates', filter, sort: { seq: 1 } } as const;
  },

  /** Candidates of these runs with a status: `$match` of the progress count, and requeue's find. */
  candidatesOfRuns: (runIds: readonly string[], status?: CandidateStatus) =>
    ({
      collection: 'candidates',
      filter: status === undefined ? { runId: { $in: [...runIds] } } : { runId: { $in: [...runIds] }, status },
    }) as const,

  reusable: (key: DedupKey) =>
    ({
      collection: 'candidates',
      filter: {
        modelSha256: key.modelSha256,
        dataset: key.dataset,
        deviceId: key.deviceId,
        recipeKey: key.recipeKey,
        status: 'DONE',
        // Reused results are copies: the original is the one to return. (A partial index cannot
        // say "field absent", so `reusedFrom` is checked on the few documents the index finds.)
        reusedFrom: { $exists: false },
      },
      sort: { finishedAt: 1, _id: 1 },
    }) as const,
};

/** Fields of a filter that pick exact values (equality or `$in`), which an index prefix can serve. */
function pointFields(filter: Readonly<Record<string, unknown>>): Set<string> {
  const out = new Set<string>();
  for (const [field, value] of Object.entries(filter)) {
    const isOperator = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (!isOperator || '$in' in value) out.add(field);
  }
  return out;
}

/**
 * Whether an index serves a query: its leading fields are point fields of the filter (at least
 * one, unless the filter is empty), and the fields after them give the sort order (forwards or
 * backwards) — the "equality, sort, range" rule of MongoDB's index guidance
 * (https://www.mongodb.com/docs/manual/tutorial/equality-sort-range-guideline/).
 */
export function indexServes(index: SortSpec, query: QuerySpec): boolean {
  const keys = Object.entries(index);
  const points = pointFields(query.filter);
  let prefix = 0;
  while (prefix < keys.length && points.has(keys[prefix]![0])) prefix++;
  // A filter that no leading index field narrows is a collection scan (ranges alone count as such).
  if (prefix === 0 && Object.keys(query.filter).length > 0) return false;
  const sort = Object.entries(query.sort ?? {});
  if (sort.length === 0) return true;
  const after = keys.slice(prefix, prefix + sort.length);
  if (after.length < sort.length) return false;
  const same = sort.every(([f, d], i) => after[i]![0] === f && after[i]![1] === d);
  const reversed = sort.every(([f, d], i) => after[i]![0] === f && after[i]![1] === -d);
  return same || reversed;
}
