import { statSync } from 'node:fs';
import { WorkersError } from '../errors.js';
import { SPLIT_CODES } from './image-cache.js';
import { readImageFolder, type BadFilePolicy, type ImageFolder, type ResizeMode, type SkippedFile } from './image-folder.js';
import { writeRegisteredDataset } from './registered-dataset.js';
import { DEFAULT_SPLIT, stratifiedSplit, type SplitFractions } from './split-codes.js';
import { loadDataset } from './user-dataset.js';

/**
 * Per-channel mean and std of ImageNet's training images on the 0–1 scale, as torchvision's
 * pretrained classifiers expect them (torchvision documentation, "Models and pre-trained weights":
 * mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225]).
 */
export const NAMED_NORMALIZATIONS = {
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  none: { mean: [0], std: [1] },
} as const;

export interface PrepareDatasetOptions {
  /** An image folder, or an IDX / `.npy` images file (then `labelsPath` is required). */
  readonly path: string;
  readonly labelsPath?: string;
  /** Class names in label order, for IDX / `.npy` data (default "0", "1" …); their count bounds the labels. */
  readonly classNames?: readonly string[];
  /** Image folders: target [H, W] (default: the most common size), resize mode, channels, bad files. */
  readonly size?: readonly [number, number];
  readonly resize?: ResizeMode;
  readonly channels?: 1 | 3;
  readonly badFiles?: BadFilePolicy;
  /** Fractions drawn per class when the data has no explicit splits. Default 10% val, 10% test, seed 0. */
  readonly split?: Partial<SplitFractions>;
  /** Standardisation after scaling to 0–1: a named one or per-channel values. Default none. */
  readonly normalize?: keyof typeof NAMED_NORMALIZATIONS | { readonly mean: readonly number[]; readonly std: readonly number[] };
  /** Frontier's data folder: the decoded tensors go to `datasets/registered/<sha256>.bin` under it. */
  readonly dataDir: string;
}

/** Everything the registry records of a prepared dataset. */
export interface PreparedDataset {
  /** Provenance hash: cache bytes and normalization. */
  readonly sha256: string;
  readonly source: { readonly kind: 'image-folder' | 'arrays'; readonly path: string; readonly labelsPath?: string };
  /** [C, H, W] as stored. */
  readonly shape: readonly [number, number, number];
  readonly classes: readonly { readonly name: string; readonly count: number }[];
  readonly splits: {
    readonly fit: number;
    readonly val: number;
    readonly test: number;
    /** `folders` when train/val/test subfolders decided it; else the seeded draw's fractions. */
    readonly from: 'folders' | 'seeded';
    readonly valFraction?: number;
    readonly testFraction?: number;
    readonly seed?: number;
  };
  readonly preprocessing: {
    readonly resize: ResizeMode | 'none';
    readonly size: readonly [number, number];
    readonly channels: number;
    readonly scale: number;
    readonly mean: readonly number[];
    readonly std: readonly number[];
  };
  /** Files left out (named), images resized from another size, sizes found. */
  readonly report: { readonly skipped: readonly SkippedFile[]; readonly resized: number; readonly sizes: readonly { readonly size: string; readonly count: number }[] };
  readonly cacheFile: string;
  readonly cacheBytes: number;
}

/**
 * Reads a user's dataset (image folder, or IDX / `.npy` arrays), checks it (every error names the
 * file or class at fault), splits it, and writes its decoded tensors to the on-disk cache once, so
 * no evaluation decodes images again.
 */
export async function prepareDataset(o: PrepareDatasetOptions): Promise<PreparedDataset> {
  const fractions = { ...DEFAULT_SPLIT, ...o.split };
  let isDir: boolean;
  try {
    isDir = statSync(o.path).isDirectory();
  } catch (err) {
    throw new WorkersError('BAD_DATASET', `${o.path}: cannot read: ${(err as Error).message}`, { file: o.path });
  }
  const images = isDir ? await readFolder(o) : readArrays(o);
  const normalize = normalization(o.normalize, images.channels);
  const classNames = images.classNames;
  if (classNames.length < 2) throw new WorkersError('BAD_DATASET', `${o.path}: a single class ("${classNames[0]}"); a classifier needs at least two`);
  const splits = splitCodes(images, fractions);
  const cache = { height: images.height, width: images.width, classes: classNames.length, channels: images.channels, labels: images.labels, pixels: images.pixels, splits };
  const written = writeRegisteredDataset({ dataDir: o.dataDir, cache, normalize });
  const counts = (code: number) => splits.reduce((n, c) => n + (c === code ? 1 : 0), 0);
  return {
    sha256: written.sha256,
    source: { kind: isDir ? 'image-folder' : 'arrays', path: o.path, ...(o.labelsPath ? { labelsPath: o.labelsPath } : {}) },
    shape: [images.channels, images.height, images.width],
    classes: classNames.map((name, k) => ({ name, count: images.labels.reduce((n, l) => n + (l === k ? 1 : 0), 0) })),
    splits: {
      fit: counts(SPLIT_CODES.fit),
      val: counts(SPLIT_CODES.val),
      test: counts(SPLIT_CODES.test),
      ...(images.splits ? { from: 'folders' as const } : { from: 'seeded' as const, valFraction: fractions.val, testFraction: fractions.test }),
      ...(images.splits && images.splits.includes(SPLIT_CODES.val) ? {} : { seed: fractions.seed }),
    },
    preprocessing: { resize: isDir ? (o.resize ?? 'crop') : 'none', size: [images.height, images.width], channels: images.channels, scale: 1 / 255, ...normalize },
    report: { skipped: images.skipped, resized: images.resized, sizes: images.sizes },
    cacheFile: written.file,
    cacheBytes: written.bytes,
  };
}

/** Decoded images from either source: an image folder's, or arrays' (1 or more channels, no folder splits). */
type SourceImages = Omit<ImageFolder, 'channels'> & { readonly channels: number };

async function readFolder(o: PrepareDatasetOptions): Promise<SourceImages> {
  if (o.labelsPath) throw new WorkersError('BAD_ARGUMENT', `labels come from the class folders of ${o.path}; --labels is for an IDX or .npy images file`);
  return readImageFolder({
    root: o.path,
    ...(o.size ? { size: o.size } : {}),
    ...(o.resize ? { resize: o.resize } : {}),
    ...(o.channels ? { channels: o.channels } : {}),
    ...(o.badFiles ? { badFiles: o.badFiles } : {}),
  });
}

function readArrays(o: PrepareDatasetOptions): SourceImages {
  if (!o.labelsPath) throw new WorkersError('BAD_ARGUMENT', `${o.path} is a file: give its labels (an IDX or .npy file of N integers) with --labels`);
  if (o.size || o.resize || o.channels) throw new WorkersError('BAD_ARGUMENT', 'size, resize and channels apply to image folders; IDX and .npy images are kept as stored');
  const ds = loadDataset({ imagesPath: o.path, labelsPath: o.labelsPath, ...(o.classNames ? { classes: o.classNames.length } : {}) });
  if (!(ds.pixels instanceof Uint8Array)) {
    throw new WorkersError('BAD_DATASET', `${o.path}: float images are model-ready values, not pixels; register uint8 images (0–255), or evaluate float data with --images/--labels`, { file: o.path });
  }
  const classNames = o.classNames ?? Array.from({ length: ds.classes }, (_, k) => String(k));
  const [c, h, w] = ds.shape;
  return { classNames, channels: c, height: h, width: w, labels: ds.labels, pixels: ds.pixels, skipped: [], resized: 0, sizes: [{ size: `${h}×${w}`, count: ds.count }] };
}

/** Explicit folder splits (val drawn from train when there is no val/), else the seeded stratified draw. */
function splitCodes(images: SourceImages, fractions: SplitFractions): Uint8Array {
  if (!images.splits) return stratifiedSplit({ labels: images.labels, classNames: images.classNames, fractions });
  if (images.splits.includes(SPLIT_CODES.val)) return images.splits;
  const train = [...images.splits.keys()].filter((i) => images.splits![i] === SPLIT_CODES.fit);
  const drawn = stratifiedSplit({ labels: Uint8Array.from(train, (i) => images.labels[i]!), classNames: images.classNames, fractions: { ...fractions, test: 0 } });
  const codes = images.splits.slice();
  train.forEach((i, j) => (codes[i] = drawn[j]!));
  return codes;
}

function normalization(value: PrepareDatasetOptions['normalize'], channels: number): { mean: readonly number[]; std: readonly number[] } {
  const n = typeof value === 'string' || value === undefined ? NAMED_NORMALIZATIONS[value ?? 'none'] : value;
  if (!n) throw new WorkersError('BAD_ARGUMENT', `normalization must be ${Object.keys(NAMED_NORMALIZATIONS).join(' or ')}, or mean and std values, got "${String(value)}"`);
  for (const [name, list] of [['mean', n.mean], ['std', n.std]] as const) {
    if (list.length !== 1 && list.length !== channels) throw new WorkersError('BAD_ARGUMENT', `${name} needs 1 or ${channels} values (one per channel), got ${list.length}`);
    if (!list.every((v) => Number.isFinite(v) && (name === 'mean' || v > 0))) throw new WorkersError('BAD_ARGUMENT', `${name} values must be finite${name === 'std' ? ' and positive' : ''}, got ${list.join(', ')}`);
  }
  return { mean: [...n.mean], std: [...n.std] };
}
