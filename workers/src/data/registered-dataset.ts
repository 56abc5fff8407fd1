import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { crc32 } from 'node:zlib';
import { join } from 'node:path';
import { WorkersError } from '../errors.js';
import { subset, type Dataset, type Normalization, type PixelSource } from './dataset.js';
import { CRC_START, checkImageCodes, decodeImageCache, encodeImageCache, imageCacheLayout, writeFileAtomic, type ImageCache } from './image-cache.js';
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

/**
 * The decoded images of a registered dataset, as read back from its cache file: all in memory, or
 * (`source` set, `cache.pixels` empty) read image by image from the file.
 */
export interface RegisteredImages {
  readonly ref: DatasetRef;
  readonly cache: ImageCache & { readonly channels: number; readonly splits: Uint8Array };
  readonly source?: PixelSource & { close(): void };
}

/**
 * Cache files larger than this are streamed rather than read whole: an eighth of this machine's
 * memory, since each pool thread holds its own copy and the splits cut from it.
 */
export function defaultStreamAboveBytes(): number {
  return Math.floor(totalmem() / 8);
}

/** Whether a registered dataset's cache file is over `limit` bytes (so it should be streamed). */
export function shouldStream(o: { readonly dataDir: string; readonly ref: DatasetRef; readonly limit: number }): boolean {
  try {
    return statSync(registeredDatasetFile(o.dataDir, o.ref.sha256)).size > o.limit;
  } catch {
    // A missing file fails with its own message when it is loaded.
    return false;
  }
}

/** Chunk of the streamed integrity check: the file is hashed without being held in memory. */
const CHECK_CHUNK_BYTES = 8 << 20;

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
  const hash = datasetHasher(normalize);
  hash.update(cacheBytes);
  return hash.digest();
}

/** {@link datasetSha256} piece by piece: feed the cache file's bytes in order, then `digest`. */
export function datasetHasher(normalize: DatasetRef['normalize']): { update(chunk: Uint8Array): void; digest(): string } {
  const hash = createHash('sha256');
  return {
    update: (chunk) => void hash.update(chunk),
    digest: () => hash.update(JSON.stringify({ mean: normalize.mean, std: normalize.std })).digest('hex'),
  };
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
export function loadRegisteredImages(o: { readonly dataDir: string; readonly ref: DatasetRef; readonly stream?: boolean }): RegisteredImages {
  const file = registeredDatasetFile(o.dataDir, o.ref.sha256);
  if (o.stream) return streamRegisteredImages(file, o.ref);
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
  const count = cache.labels.length;
  const all: Dataset = {
    name: ref.name,
    shape: [cache.channels, cache.height, cache.width],
    classes: cache.classes,
    count,
    pixels: cache.pixels,
    ...(images.source ? { stream: { source: images.source, indices: Int32Array.from({ length: count }, (_, i) => i) } } : {}),
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

/**
 * Opens a cache file for streaming: the whole file is hashed and CRC-checked chunk by chunk, the
 * labels and split codes are read, and pixels are then read one image at a time on demand — so
 * memory holds N + N bytes, not N·C·H·W.
 */
function streamRegisteredImages(file: string, ref: DatasetRef): RegisteredImages {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new WorkersError('BAD_DATASET', `dataset ${ref.name}: cannot read its cache ${file} (${(err as Error).message}); register the dataset again on this machine`, { file });
  }
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, 40));
    readSync(fd, head, 0, head.length, 0);
    const layout = imageCacheLayout(head, size, file);
    if (layout.version !== 2) throw new WorkersError('BAD_DATASET', `${file}: a registered dataset's cache must be format version 2`, { file });
    const hash = datasetHasher(ref.normalize);
    let crc = 0;
    const chunk = new Uint8Array(CHECK_CHUNK_BYTES);
    for (let at = 0; at < size; at += chunk.length) {
      const got = readSync(fd, chunk, 0, Math.min(chunk.length, size - at), at);
      const part = chunk.subarray(0, got);
      hash.update(part);
      crc = crc32(at >= CRC_START ? part : part.subarray(CRC_START - at), crc);
    }
    if (hash.digest() !== ref.sha256) {
      throw new WorkersError('BAD_DATASET', `dataset ${ref.name}: ${file} no longer hashes to ${ref.sha256}; register the dataset again`, { file });
    }
    if (crc !== layout.crc) throw new WorkersError('BAD_DATASET', `${file}: checksum mismatch`, { file });
    const { n, header, height, width, channels, classes } = layout;
    const codes = new Uint8Array(2 * n);
    readSync(fd, codes, 0, codes.length, header);
    const labels = codes.subarray(0, n);
    const splits = codes.subarray(n);
    checkImageCodes({ labels, splits, classes, fileName: file });
    const imageBytes = channels * height * width;
    const pixelsAt = header + 2 * n;
    const source = {
      read(index: number, out: Uint8Array): void {
        readSync(fd, out, 0, imageBytes, pixelsAt + index * imageBytes);
      },
      close: () => closeSync(fd),
    };
    return { ref, cache: { height, width, classes, channels, labels, splits, pixels: new Uint8Array(0) }, source };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}
