import { inputLayout, type DatasetRef, type PoolDataset, type PreparedDataset, type PrepareDatasetOptions } from '@frontier/workers';
import { SearchError } from '../errors.js';
import { isStoreError } from '../store/store-error.js';
import type { Store } from '../store/store.js';
import type { DatasetRecord, Model } from '../store/types.js';
import { SidePool } from './side-pool.js';

/** The built-in dataset: what a run searches on unless it names a registered one. */
export const BUILTIN_DATASET = 'fashion-mnist';

/** Fashion-MNIST's images and classes, for checking a model against it. */
const BUILTIN_SHAPE: readonly [number, number, number] = [1, 28, 28];
const BUILTIN_CLASSES = 10;

/** A dataset a run can use: the key runs, candidates and fronts record, and what workers load. */
export interface ResolvedDataset {
  /** `fashion-mnist`, or a registered dataset's id. */
  readonly key: string;
  readonly pool: PoolDataset;
  readonly shape: readonly [number, number, number];
  readonly classes: number;
  /** The registry record (absent for the built-in set). */
  readonly record?: DatasetRecord;
}

/** What registering a dataset takes: a name and where its files are, on this machine. */
export type NewDataset = Omit<PrepareDatasetOptions, 'dataDir'> & { readonly name: string };

/**
 * Prepares a dataset (decode, check, split, cache) and records it in the store. The same content
 * and settings give the same sha256 and so the existing record; nothing registered is replaced.
 */
export async function registerDataset(store: Store, dataDir: string, input: NewDataset): Promise<DatasetRecord> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(input.name)) {
    throw new SearchError('BAD_ARGUMENT', `dataset name must be 1–100 letters, digits, ".", "_" or "-" (starting with a letter or digit), got ${JSON.stringify(input.name)}`);
  }
  if (input.name === BUILTIN_DATASET) throw new SearchError('BAD_ARGUMENT', `dataset name "${BUILTIN_DATASET}" is the built-in dataset's; choose another`);
  const { name, ...options } = input;
  const side = new SidePool();
  let p: PreparedDataset;
  try {
    p = await side.prepareDataset({ ...options, dataDir });
  } finally {
    await side.close();
  }
  return store.registerDataset({
    name,
    sha256: p.sha256,
    source: p.source,
    shape: p.shape,
    classes: p.classes,
    splits: p.splits,
    preprocessing: p.preprocessing,
    report: p.report,
  });
}

/**
 * Finds a dataset by the built-in name, a registered id, or a registered name (the newest
 * registration of that name). @throws SearchError BAD_ARGUMENT naming what is known when none matches.
 */
export async function resolveDataset(store: Store, nameOrId: string | undefined): Promise<ResolvedDataset> {
  const wanted = nameOrId ?? BUILTIN_DATASET;
  if (wanted === BUILTIN_DATASET) return { key: BUILTIN_DATASET, pool: BUILTIN_DATASET, shape: BUILTIN_SHAPE, classes: BUILTIN_CLASSES };
  let record: DatasetRecord | undefined;
  try {
    record = await store.getDataset(wanted);
  } catch (err) {
    if (!isStoreError(err, 'NOT_FOUND')) throw err;
    record = (await store.listDatasets({ name: wanted })).at(-1);
  }
  if (!record) {
    const known = [BUILTIN_DATASET, ...new Set((await store.listDatasets()).map((d) => d.name))];
    throw new SearchError('BAD_ARGUMENT', `unknown dataset "${wanted}" (known: ${known.join(', ')}); register one with \`frontier datasets add\``);
  }
  const [c, h, w] = record.shape;
  return { key: record.id, pool: datasetRef(record), shape: [c!, h!, w!], classes: record.classes.length, record };
}

/** What workers need to load a registered dataset. */
export function datasetRef(record: DatasetRecord): DatasetRef {
  const p = record.preprocessing as { mean?: number[]; std?: number[] };
  return { sha256: record.sha256, name: record.name, normalize: { mean: p.mean ?? [0], std: p.std ?? [1] } };
}

/**
 * Checks that a model takes a dataset's images and predicts at least its classes; the error names
 * both shapes (or both class counts).
 */
export function checkModelFitsDataset(model: Pick<Model, 'name' | 'inputShape' | 'classes'>, dataset: ResolvedDataset): void {
  inputLayout(dataset.shape, model.inputShape);
  if (model.classes < dataset.classes) {
    throw new SearchError('BAD_ARGUMENT', `model ${model.name} predicts ${model.classes} classes, dataset ${dataset.record?.name ?? dataset.key} has ${dataset.classes}`);
  }
}
