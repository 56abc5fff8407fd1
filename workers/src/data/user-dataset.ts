import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { WorkersError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { parseIdx } from './idx.js';
import type { NdArray } from './nd-array.js';
import { isNpy, parseNpy } from './npy.js';

/** One file's content and the name errors should quote (usually its path). */
export interface NamedBytes {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface DatasetFromBytesOptions {
  /** Images, [N, H, W] or [N, C, H, W]: uint8 (scaled by 1/255) or float32/float64 (used as-is). */
  readonly images: NamedBytes;
  /** Labels, [N], any integer dtype, values 0 … classes − 1. */
  readonly labels: NamedBytes;
  /** Number of classes; default: largest label + 1. At most 256. */
  readonly classes?: number;
  /** Dataset name; default: the images file's base name. */
  readonly name?: string;
}

/** Reads an IDX or `.npy` file, told apart by their magic bytes. */
export function parseArrayFile(file: NamedBytes): NdArray {
  if (isNpy(file.bytes)) return parseNpy(file.bytes, file.name);
  if (file.bytes[0] === 0 && file.bytes[1] === 0) return parseIdx(file.bytes, file.name);
  const head = [...file.bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new WorkersError('BAD_DATASET', `${file.name}: wrong magic (${head}): neither IDX (00 00 …) nor .npy (93 4e 55 4d …)`, {
    file: file.name,
  });
}

/**
 * Builds a `Dataset` from an images file and a labels file, each IDX or `.npy`. Throws `BAD_DATASET`
 * naming the file and the problem (wrong magic, truncation, shape, dtype, count or label range).
 */
export function datasetFromBytes(options: DatasetFromBytesOptions): Dataset {
  const images = parseArrayFile(options.images);
  const labels = parseArrayFile(options.labels);
  const fail = (file: string, problem: string): never => {
    throw new WorkersError('BAD_DATASET', `${file}: ${problem}`, { file });
  };
  const imagesFile = options.images.name;
  const labelsFile = options.labels.name;
  const dims = images.shape;
  if (dims.length !== 3 && dims.length !== 4) fail(imagesFile, `images must have shape [N, H, W] or [N, C, H, W], got [${dims.join(', ')}]`);
  // [N, 32, 32, 3] read as NCHW would be 32 channels of 32×3 images: refuse what is surely NHWC.
  if (dims.length === 4 && dims[3]! <= 4 && dims[1]! > 4) {
    fail(imagesFile, `images shape [${dims.join(', ')}] looks channels-last; save them as [N, C, H, W] (np.transpose(a, (0, 3, 1, 2)))`);
  }
  const [n, c, h, w] = dims.length === 3 ? [dims[0]!, 1, dims[1]!, dims[2]!] : [dims[0]!, dims[1]!, dims[2]!, dims[3]!];
  if (n === 0 || c * h * w === 0) fail(imagesFile, `images shape [${dims.join(', ')}] holds no pixels`);
  if (labels.shape.length !== 1) fail(labelsFile, `labels must have shape [N], got [${labels.shape.join(', ')}]`);
  if (labels.shape[0] !== n) fail(labelsFile, `label count ${labels.shape[0]} ≠ image count ${n} in ${imagesFile}`);
  const { pixels, pixelScale } = toPixels(images, imagesFile, fail);
  const { values, classes } = toLabels(labels, options.classes, labelsFile, fail);
  return { name: options.name ?? basename(imagesFile), shape: [c, h, w], classes, count: n, pixels, pixelScale, labels: values };
}

/** `datasetFromBytes` over two files on disk; read errors become `BAD_DATASET` naming the path. */
export function loadDataset(options: {
  readonly imagesPath: string;
  readonly labelsPath: string;
  readonly classes?: number;
  readonly name?: string;
}): Dataset {
  const read = (path: string): NamedBytes => {
    try {
      return { name: path, bytes: readFileSync(path) };
    } catch (err) {
      throw new WorkersError('BAD_DATASET', `${path}: cannot read: ${(err as Error).message}`, { file: path });
    }
  };
  return datasetFromBytes({
    images: read(options.imagesPath),
    labels: read(options.labelsPath),
    ...(options.classes !== undefined ? { classes: options.classes } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
  });
}

type Fail = (file: string, problem: string) => never;

function toPixels(images: NdArray, file: string, fail: Fail): { pixels: Uint8Array | Float32Array; pixelScale: number } {
  switch (images.dtype) {
    case 'uint8':
      return { pixels: images.data as Uint8Array, pixelScale: 1 / 255 };
    case 'float32':
    case 'float64': {
      const pixels = images.data instanceof Float32Array ? images.data : Float32Array.from(images.data as Float64Array);
      const bad = pixels.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) fail(file, `pixel ${bad} is ${pixels[bad]}; images must be finite`);
      return { pixels, pixelScale: 1 };
    }
    default:
      return fail(file, `images dtype ${images.dtype} is not supported: use uint8 (0–255) or float32/float64 (model-ready values)`);
  }
}

function toLabels(labels: NdArray, wanted: number | undefined, file: string, fail: Fail): { values: Uint8Array; classes: number } {
  if (labels.dtype === 'float32' || labels.dtype === 'float64') fail(file, `labels dtype ${labels.dtype} is not supported: labels must be integers`);
  if (wanted !== undefined && !(Number.isInteger(wanted) && wanted >= 1 && wanted <= 256)) {
    throw new WorkersError('BAD_ARGUMENT', `classes must be an integer in 1 … 256, got ${wanted}`);
  }
  const limit = wanted ?? 256;
  const values = new Uint8Array(labels.data.length);
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = Number(labels.data[i]);
    if (!(v >= 0 && v < limit)) fail(file, `label ${v} of image ${i} is outside 0 … ${limit - 1}`);
    values[i] = v;
    if (v > max) max = v;
  }
  return { values, classes: wanted ?? max + 1 };
}
