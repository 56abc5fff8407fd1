import { createHash } from 'node:crypto';
import { WorkersError } from '../errors.js';

/**
 * A labelled image set held in memory. Pixels are kept as stored (uint8 0–255 for the built-in
 * sets, float32 for user `.npy` files) and turned into the model input convention — float32 NCHW,
 * `pixel · pixelScale` — only batch by batch, so 70 000 images take 55 MB rather than 220 MB.
 */
export interface Dataset {
  /** `fashion-mnist/train`, a file name for user data … */
  readonly name: string;
  /** Image shape [C, H, W]. */
  readonly shape: readonly [number, number, number];
  readonly classes: number;
  readonly count: number;
  /** Pixels, image after image, C·H·W values each. */
  readonly pixels: Uint8Array | Float32Array;
  /** Multiplier from stored pixel to model input (1/255 for uint8 sets, 1 for float data). */
  readonly pixelScale: number;
  /** Label of each image, 0 … classes − 1. */
  readonly labels: Uint8Array;
  /**
   * Per-channel standardisation after scaling: `(pixel · pixelScale − mean[c]) / std[c]`. One value
   * each applies to every channel. `channelsLast` says the channel is the last axis of `shape`
   * (images laid out [H, W, C] for an NHWC model).
   */
  readonly normalize?: Normalization;
  /**
   * Images read on demand instead of held in `pixels` (then empty): image i of this dataset is
   * `source` image `indices[i]`. A dataset larger than memory streams from its cache file so.
   */
  readonly stream?: { readonly source: PixelSource; readonly indices: Int32Array };
}

/** Where a streamed dataset's images come from (a cache file), one image at a time. */
export interface PixelSource {
  /** Copies the source's image `index` (C·H·W stored values) into `out`. */
  read(index: number, out: Uint8Array): void;
}

/** See {@link Dataset.normalize}. */
export interface Normalization {
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly channelsLast?: boolean;
}

/** Values per image. */
export function imageSize(ds: Dataset): number {
  return ds.shape[0] * ds.shape[1] * ds.shape[2];
}

/**
 * Writes the images at `indices` as a float32 NCHW batch into `out` (allocated when absent or too
 * small) and returns the filled view.
 */
export function fillBatch(ds: Dataset, indices: ArrayLike<number>, out?: Float32Array): Float32Array {
  const size = imageSize(ds);
  const n = indices.length;
  const target = out && out.length >= n * size ? out.subarray(0, n * size) : new Float32Array(n * size);
  const scale = ds.pixelScale;
  const image = ds.stream ? new Uint8Array(size) : undefined;
  for (let b = 0; b < n; b++) {
    const src = indices[b]!;
    if (!(src >= 0 && src < ds.count)) {
      throw new WorkersError('BAD_ARGUMENT', `image index ${src} is outside ${ds.name} (0 … ${ds.count - 1})`);
    }
    const to = b * size;
    if (ds.stream) {
      ds.stream.source.read(ds.stream.indices[src]!, image!);
      for (let i = 0; i < size; i++) target[to + i] = image![i]! * scale;
      continue;
    }
    const from = src * size;
    for (let i = 0; i < size; i++) target[to + i] = ds.pixels[from + i]! * scale;
  }
  if (ds.normalize) standardize(ds, target);
  return target;
}

/** `(v − mean[c]) / std[c]` over a filled batch, the channel of each value found from the layout. */
function standardize(ds: Dataset, values: Float32Array): void {
  const { mean, std, channelsLast } = ds.normalize!;
  const channels = channelsLast ? ds.shape[2] : ds.shape[0];
  const plane = channelsLast ? 1 : ds.shape[1] * ds.shape[2];
  const at = (list: readonly number[], c: number) => (list.length === 1 ? list[0]! : list[c]!);
  const size = imageSize(ds);
  for (let i = 0; i < values.length; i++) {
    const c = Math.floor((i % size) / plane) % channels;
    values[i] = (values[i]! - at(mean, c)) / at(std, c);
  }
}

/** A dataset restricted to some of its images, in the given order (pixels are copied, unless streamed). */
export function subset(ds: Dataset, indices: ArrayLike<number>, name = `${ds.name}[subset]`): Dataset {
  const size = imageSize(ds);
  if (ds.stream) {
    const stream = ds.stream;
    const mapped = Int32Array.from({ length: indices.length }, (_, i) => {
      const src = indices[i]!;
      if (!(src >= 0 && src < ds.count)) throw new WorkersError('BAD_ARGUMENT', `image index ${src} is outside ${ds.name} (0 … ${ds.count - 1})`);
      return stream.indices[src]!;
    });
    return { ...ds, name, count: indices.length, labels: Uint8Array.from(indices, (i) => ds.labels[i]!), stream: { source: stream.source, indices: mapped } };
  }
  const pixels = ds.pixels instanceof Uint8Array ? new Uint8Array(indices.length * size) : new Float32Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i]!;
    if (!(src >= 0 && src < ds.count)) {
      throw new WorkersError('BAD_ARGUMENT', `image index ${src} is outside ${ds.name} (0 … ${ds.count - 1})`);
    }
    pixels.set(ds.pixels.subarray(src * size, (src + 1) * size), i * size);
    labels[i] = ds.labels[src]!;
  }
  return { ...ds, name, count: indices.length, pixels, labels };
}

/**
 * SHA-256 (hex) of a dataset's content — shape, classes, pixel type and scale, pixels and labels,
 * not its name — for a candidate's provenance: two runs on equal data get the same digest.
 */
export function datasetDigest(ds: Dataset): string {
  const hash = createHash('sha256');
  const kind = ds.pixels instanceof Uint8Array ? 'uint8' : 'float32';
  hash.update(JSON.stringify({ shape: ds.shape, classes: ds.classes, count: ds.count, kind, pixelScale: ds.pixelScale, ...(ds.normalize ? { normalize: ds.normalize } : {}) }));
  if (ds.stream) {
    const image = new Uint8Array(imageSize(ds));
    for (const i of ds.stream.indices) {
      ds.stream.source.read(i, image);
      hash.update(image);
    }
  } else hash.update(new Uint8Array(ds.pixels.buffer, ds.pixels.byteOffset, ds.pixels.byteLength));
  hash.update(ds.labels);
  return hash.digest('hex');
}
