import { Option, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { BUILTIN_DATASET, SearchError, openStore, resolveDataset, sqliteDatabasePath } from '@frontier/search';
import {
  conformDataset,
  defaultDataDir,
  defaultStreamAboveBytes,
  loadDataset,
  loadFashionMnist,
  loadRegisteredImages,
  registeredSplit,
  shouldStream,
  type Dataset,
  type DatasetRef,
  type FashionMnistSplit,
} from '@frontier/workers';
import { UsageError } from './exit-codes.js';

/** Options shared by commands that read images: a built-in or registered dataset, or IDX/.npy files. */
export interface DatasetOptions {
  dataset?: string;
  split?: string;
  images?: string;
  labels?: string;
  dataDir?: string;
}

const SPLITS: readonly FashionMnistSplit[] = ['train', 'val', 'fit', 'test'];

/** Adds `--dataset`, `--split`, `--images`, `--labels`, `--data-dir` to a command. */
export function addDatasetOptions(command: Command, defaultSplit: FashionMnistSplit): Command {
  return command
    .option('--dataset <name>', `${BUILTIN_DATASET}, or a dataset registered with \`frontier datasets add\` (name or id)`)
    .addOption(new Option('--split <split>', 'split of the dataset').choices([...SPLITS]).default(defaultSplit))
    .option('--images <file>', 'your own images: an IDX or .npy file, [N,H,W] or [N,C,H,W]')
    .option('--labels <file>', 'labels for --images: an IDX or .npy file of N integers')
    .option('--data-dir <dir>', 'where Frontier keeps its data (default: $FRONTIER_DATA or ./.frontier)');
}

/**
 * Loads the dataset the options name, made to fit the model's input (channels, layout), or
 * undefined when they name none.
 */
export async function datasetFromOptions(o: DatasetOptions, modelInput: readonly (number | string)[]): Promise<Dataset | undefined> {
  if (o.dataset && (o.images || o.labels)) throw new UsageError('give either --dataset or --images/--labels, not both');
  if (Boolean(o.images) !== Boolean(o.labels)) throw new UsageError('--images and --labels go together');
  const dataDir = o.dataDir ?? defaultDataDir();
  const split = (o.split ?? 'val') as FashionMnistSplit;
  let dataset: Dataset | undefined;
  if (o.images && o.labels) dataset = loadDataset({ imagesPath: o.images, labelsPath: o.labels });
  else if (o.dataset === BUILTIN_DATASET) dataset = loadFashionMnist({ split, dataDir });
  else if (o.dataset) {
    const ref = await registeredRef(o.dataset, dataDir);
    const stream = shouldStream({ dataDir, ref, limit: defaultStreamAboveBytes() });
    dataset = registeredSplit(loadRegisteredImages({ dataDir, ref, stream }), split);
  }
  return dataset && conformDataset(dataset, modelInput);
}

/**
 * A registered dataset (by name or id) in the embedded store of `dataDir`. An unknown name is bad
 * usage (exit 2); a data folder without a store is not created just to find that out.
 */
export async function registeredRef(nameOrId: string, dataDir: string): Promise<DatasetRef> {
  // With MONGODB_URI the store is MongoDB's, and there is no file to look for.
  if (!process.env['MONGODB_URI'] && !existsSync(sqliteDatabasePath(dataDir))) {
    throw new UsageError(`--dataset: unknown dataset "${nameOrId}" (known: ${BUILTIN_DATASET}; none registered in ${dataDir}: see \`frontier datasets add\`)`);
  }
  const store = await openStore({ dataDir });
  try {
    const resolved = await resolveDataset(store, nameOrId).catch((err: unknown) => {
      throw err instanceof SearchError ? new UsageError(`--dataset: ${err.message}`) : err;
    });
    if (typeof resolved.pool === 'string') throw new UsageError(`--dataset ${nameOrId} is the built-in dataset`);
    return resolved.pool;
  } finally {
    await store.close();
  }
}
