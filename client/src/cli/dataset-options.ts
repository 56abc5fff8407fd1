import { Option, type Command } from 'commander';
import { defaultDataDir, loadDataset, loadFashionMnist, type Dataset, type FashionMnistSplit } from '@frontier/workers';
import { UsageError } from './exit-codes.js';

/** Options shared by commands that read images: the built-in set or the user's IDX/.npy files. */
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
    .addOption(new Option('--dataset <name>', 'built-in dataset').choices(['fashion-mnist']))
    .addOption(new Option('--split <split>', 'split of the built-in dataset').choices([...SPLITS]).default(defaultSplit))
    .option('--images <file>', 'your own images: an IDX or .npy file, [N,H,W] or [N,C,H,W]')
    .option('--labels <file>', 'labels for --images: an IDX or .npy file of N integers')
    .option('--data-dir <dir>', 'where Frontier keeps its data (default: $FRONTIER_DATA or ./.frontier)');
}

/** Loads the dataset the options name, or undefined when they name none. */
export function datasetFromOptions(o: DatasetOptions): Dataset | undefined {
  if (o.dataset && (o.images || o.labels)) throw new UsageError('give either --dataset or --images/--labels, not both');
  if (Boolean(o.images) !== Boolean(o.labels)) throw new UsageError('--images and --labels go together');
  if (o.images && o.labels) return loadDataset({ imagesPath: o.images, labelsPath: o.labels });
  if (o.dataset === 'fashion-mnist') {
    return loadFashionMnist({ split: (o.split ?? 'val') as FashionMnistSplit, dataDir: o.dataDir ?? defaultDataDir() });
  }
  return undefined;
}
