import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { WorkersError } from '../errors.js';

/**
 * The binary cache of a labelled uint8 image set (all images of a dataset, before any split).
 * Little-endian layout, version 1 (one channel, no split codes: the built-in Fashion-MNIST):
 *
 * | offset | size        | field                                   |
 * |--------|-------------|-----------------------------------------|
 * | 0      | 8           | magic `FRIMGSET`                        |
 * | 8      | 4           | format version (1)                      |
 * | 12     | 4           | image count N                           |
 * | 16     | 4           | height H                                |
 * | 20     | 4           | width W                                 |
 * | 24     | 4           | classes                                 |
 * | 28     | 4           | CRC-32 of everything after the header   |
 * | 32     | N           | labels, uint8                           |
 * | 32 + N | N·H·W       | pixels, uint8, image after image        |
 *
 * Version 2 (registered datasets) adds, after the same first 32 bytes: channels C (4 bytes), a
 * reserved 0 (4), then labels (N), split codes (N, see {@link SPLIT_CODES}) and pixels (N·C·H·W,
 * image after image, each channel-major). The CRC covers everything after byte 32.
 *
 * The size check catches truncation, the CRC catches bit rot and half-written files from a tool
 * that did not write atomically.
 */
export interface ImageCache {
  readonly height: number;
  readonly width: number;
  readonly classes: number;
  readonly labels: Uint8Array;
  readonly pixels: Uint8Array;
  /** Channels per image; 1 when absent. */
  readonly channels?: number;
  /** Split code of each image (version 2 only). */
  readonly splits?: Uint8Array;
}

/** Split codes of a version-2 cache: `fit` (train minus val), `val`, `test`. */
export const SPLIT_CODES = { fit: 0, val: 1, test: 2 } as const;

const MAGIC = 'FRIMGSET';
const HEADER_BYTES = 32;
const HEADER_BYTES_V2 = 40;

/** Serialises an image set into the cache layout. */
export function encodeImageCache(set: ImageCache): Uint8Array {
  const n = set.labels.length;
  const channels = set.channels ?? 1;
  if (set.pixels.length !== n * channels * set.height * set.width) {
    throw new WorkersError('BAD_ARGUMENT', `pixels must hold ${n}·${channels}·${set.height}·${set.width} values, got ${set.pixels.length}`);
  }
  if (set.splits && set.splits.length !== n) throw new WorkersError('BAD_ARGUMENT', `splits must hold ${n} codes, got ${set.splits.length}`);
  // Version 1 stays the layout of one-channel sets without splits, so existing caches stay valid.
  const v2 = channels !== 1 || set.splits !== undefined;
  const header = v2 ? HEADER_BYTES_V2 : HEADER_BYTES;
  const out = new Uint8Array(header + n * (v2 ? 2 : 1) + set.pixels.length);
  out.set(set.labels, header);
  if (v2) out.set(set.splits ?? new Uint8Array(n), header + n);
  out.set(set.pixels, header + n * (v2 ? 2 : 1));
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, v2 ? 2 : 1, true);
  view.setUint32(12, n, true);
  view.setUint32(16, set.height, true);
  view.setUint32(20, set.width, true);
  view.setUint32(24, set.classes, true);
  if (v2) view.setUint32(32, channels, true);
  view.setUint32(28, crc32(out.subarray(HEADER_BYTES)), true);
  return out;
}

/**
 * Reads the cache layout back; the returned arrays are views of `bytes`. Throws `BAD_DATASET`
 * naming the first problem found (magic, version, size, checksum, label range) — a cache that fails
 * any check is never trusted.
 */
export function decodeImageCache(bytes: Uint8Array, fileName: string): ImageCache {
  const layout = imageCacheLayout(bytes, bytes.length, fileName);
  const { n, height, width, classes, channels, header, perImage } = layout;
  if (crc32(bytes.subarray(HEADER_BYTES)) !== layout.crc) cacheFail(fileName, 'checksum mismatch');
  // Plain Uint8Array views (not Buffer, which `readFileSync` hands over) so callers see one type.
  const labels = new Uint8Array(bytes.buffer, bytes.byteOffset + header, n);
  const pixels = new Uint8Array(bytes.buffer, bytes.byteOffset + header + n * perImage, n * channels * height * width);
  const splits = layout.version === 2 ? new Uint8Array(bytes.buffer, bytes.byteOffset + header + n, n) : undefined;
  checkImageCodes({ labels, splits, classes, fileName });
  return splits ? { height, width, classes, labels, pixels, channels, splits } : { height, width, classes, labels, pixels };
}

/** Where things are in a cache file, read from its header; the CRC is not checked here. */
export interface ImageCacheLayout {
  readonly version: 1 | 2;
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly classes: number;
  readonly channels: number;
  /** Header bytes: labels start here, then split codes (version 2), then pixels. */
  readonly header: number;
  /** Bytes per image before the pixels: 1 (label) or 2 (label and split code). */
  readonly perImage: number;
  /** The stored CRC-32 of everything after byte 32. */
  readonly crc: number;
}

/**
 * Reads a cache header (`head`: at least the file's first 40 bytes, or all of a shorter file) and
 * checks it against the file's size. Throws `BAD_DATASET` naming the first problem.
 */
export function imageCacheLayout(head: Uint8Array, fileBytes: number, fileName: string): ImageCacheLayout {
  const fail = (problem: string): never => cacheFail(fileName, problem);
  if (head.length < HEADER_BYTES) fail(`truncated header: ${head.length} bytes, need ${HEADER_BYTES}`);
  const magic = String.fromCharCode(...head.subarray(0, MAGIC.length));
  if (magic !== MAGIC) fail(`wrong magic ${JSON.stringify(magic)}, expected ${JSON.stringify(MAGIC)}`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = view.getUint32(8, true);
  if (version !== 1 && version !== 2) fail(`format version ${version}, expected 1 or 2`);
  if (version === 2 && head.length < HEADER_BYTES_V2) fail(`truncated header: ${head.length} bytes, need ${HEADER_BYTES_V2}`);
  const n = view.getUint32(12, true);
  const height = view.getUint32(16, true);
  const width = view.getUint32(20, true);
  const classes = view.getUint32(24, true);
  const channels = version === 2 ? view.getUint32(32, true) : 1;
  const header = version === 2 ? HEADER_BYTES_V2 : HEADER_BYTES;
  const perImage = version === 2 ? 2 : 1;
  const expected = header + n * perImage + n * channels * height * width;
  if (fileBytes !== expected) fail(`size ${fileBytes} bytes, header implies ${expected}`);
  return { version: version as 1 | 2, n, height, width, classes, channels, header, perImage, crc: view.getUint32(28, true) };
}

/** Labels within 0 … classes − 1 and split codes 0, 1 or 2. */
export function checkImageCodes(o: { readonly labels: Uint8Array; readonly splits: Uint8Array | undefined; readonly classes: number; readonly fileName: string }): void {
  const { labels, splits, classes } = o;
  for (let i = 0; i < labels.length; i++) if (labels[i]! >= classes) cacheFail(o.fileName, `label ${labels[i]} of image ${i} is outside 0 … ${classes - 1}`);
  if (!splits) return;
  for (let i = 0; i < splits.length; i++) if (splits[i]! > SPLIT_CODES.test) cacheFail(o.fileName, `split code ${splits[i]} of image ${i} is not 0 (fit), 1 (val) or 2 (test)`);
}

/** The byte offset where a cache's CRC-32 coverage starts. */
export const CRC_START = HEADER_BYTES;

function cacheFail(fileName: string, problem: string): never {
  throw new WorkersError('BAD_DATASET', `${fileName}: ${problem}`, { file: fileName });
}

/**
 * Writes `bytes` to `file` through a uniquely named temporary file in the same folder and a
 * rename, which POSIX makes atomic: a concurrent reader sees the old file or the whole new one,
 * and two writers racing both leave a complete file (the last rename wins).
 */
export function writeFileAtomic(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new WorkersError('BAD_ARGUMENT', `cannot write ${file}: ${(err as Error).message}`, { file });
  }
}
