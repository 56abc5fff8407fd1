import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WorkersError } from '../errors.js';
import { subset, type Dataset, type Normalization } from './dataset.js';
import { decodeImageCache, encodeImageCache, writeFileAtomic, type ImageCache } from './image-cache.js';
import { splitIndices, type DatasetSplit } from './split-codes.js';

/**
 * What a worker needs to load a registered dataset: its provenance hash (which names its cache
 * file) and the standardisation applied when images become model input. Small enough to travel
 * with every task; the pixels stay on disk and each thread reads them once.
 */
export interface DatasetRef {
  /** sha256 of the cache file's bytes and the normalization: the dataset's provenance hash. */
  readonly sha256: string;
  readonly name: string;
  readonly normalize: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

/** The decoded images of a registered dataset, as read back from its cache file. */
export interface RegisteredImages {
  readonly ref: DatasetRef;
  readonly cache: ImageCache & { readonly channels: number; readonly splits: Uint8Array };
}

/** Where a registered dataset's decoded tensors live: `<dataDir>/datasets/registered/<sha256>.bin`. */
export function registeredDatasetFile(dataDir: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new WorkersError('BAD_ARGUMENT', `a dataset is named by a lower-case hex sha256, got "${sha256}"`);
  return join(dataDir, 'datasets', 'registered', `${sha256}.bin`);
}

/**
 * The provenance hash of a dataset: sha256 over the cache bytes (pixels, labels, split codes, shape,
 * classes) and the normalization — a changed file or changed preprocessing is a new dataset.
 */
export function datasetSha256(cacheBytes: Uint8Array, normalize: DatasetRef['normalize']): string {
  return createHash('sha256').update(cacheBytes).update(JSON.stringify({ mean: normalize.mean, std: normalize.std })).digest('hex');
}

/** Encodes and writes a dataset's cache file (atomically); returns its provenance hash. */
export function writeRegisteredDataset(o: { readonly dataDir: string; readonly cache: ImageCache; readonly normalize: DatasetRef['normalize'] }): { sha256: string; file: string; bytes: number } {
  const bytes = encodeImageCache(o.cache);
  const sha256 = datasetSha256(bytes, o.normalize);
  const file = registeredDatasetFile(o.dataDir, sha256);
  // Content-addressed: an existing file of this name holds these bytes (checked when read).
  if (!existsSync(file)) writeFileAtomic(file, bytes);
  return { sha256, file, bytes: bytes.length };
}

/**
 * Reads a registered dataset's cache file and checks it hashes to `ref.sha256` (with the ref's
 * normalization): a changed or damaged file is refused, never used under the old name.
 */
export function loadRegisteredImages(o: { readonly dataDir: string; readonly ref: DatasetRef }): RegisteredImages {
  const file = registeredDatasetFile(o.dataDir, o.ref.sha256);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new WorkersError('BAD_DATASET', `dataset ${o.ref.name}: cannot read its cache ${file} (${(err as Error).message}); register the dataset again on this machine`, { file });
  }
  if (datasetSha256(bytes, o.ref.normalize) !== o.ref.sha256) {
    throw new WorkersError('BAD_DATASET', `dataset ${o.ref.name}: ${file} no longer hashes to ${o.ref.sha256}; register the dataset again`, { file });
  }
  const cache = decodeImageCache(bytes, file);
  if (!cache.splits || cache.channels === undefined) throw new WorkersError('BAD_DATASET', `${file}: a registered dataset's cache must be format version 2`, { file });
  return { ref: o.ref, cache: { ...cache, channels: cache.channels, splits: cache.splits } };
}

/** One split of registered images as a `Dataset` (pixels 0–255 scaled by 1/255, then standardised). */
export function registeredSplit(images: RegisteredImages, split: DatasetSplit): Dataset {
  const { cache, ref } = images;
  const all: Dataset = {
    name: ref.name,
    shape: [cache.channels, cache.height, cache.width],
    classes: cache.classes,
    count: cache.labels.length,
    pixels: cache.pixels,
    pixelScale: 1 / 255,
    labels: cache.labels,
    ...(isIdentity(ref.normalize) ? {} : { normalize: { mean: ref.normalize.mean, std: ref.normalize.std } satisfies Normalization }),
  };
  const indices = splitIndices({ codes: cache.splits, labels: cache.labels, classes: cache.classes, split });
  if (indices.length === 0) throw new WorkersError('BAD_DATASET', `dataset ${ref.name} has no ${split} images`);
  return subset(all, indices, `${ref.name}/${split}`);
}

function isIdentity(n: DatasetRef['normalize']): boolean {
  return n.mean.every((m) => m === 0) && n.std.every((s) => s === 1);
}
