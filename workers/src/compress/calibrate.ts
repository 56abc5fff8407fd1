import * as ort from 'onnxruntime-node';
import { fillBatch, type Dataset } from '../data/dataset.js';
import { Rng } from '../data/rng.js';
import { WorkersError } from '../errors.js';
import { DataType, fixedBatch, realInputs, type Model } from '../onnx/model.js';
import { writeModel } from '../onnx/write-model.js';
import { throwIfStopRequested } from '../pool/cooperative-stop.js';

/** Observed range of one activation. */
export interface ValueRange {
  readonly min: number;
  readonly max: number;
}

export interface CalibrateOptions {
  /** Float32 activations to observe. */
  readonly values: readonly string[];
  /** Calibration images (a subset of the `fit` split: never `val` or `test`). */
  readonly data: Dataset;
  /** Images used: a fixed pseudo-random sample of `data` (see `calibrationIndices`). Default 1000 (all if fewer). */
  readonly count?: number;
  /** Images per onnxruntime run. Default 100. */
  readonly batchSize?: number;
}

/** Images calibration uses by default. */
export const DEFAULT_CALIBRATION_COUNT = 1000;

/**
 * Min/max calibration (the default of onnxruntime's static quantizer): runs the model in
 * onnxruntime-node on calibration images with the observed activations added as outputs and
 * records each one's minimum and maximum. Min/max keeps every observed value representable; it is
 * the right choice for small CNNs with bounded post-ReLU ranges, where percentile clipping buys
 * little and can clip informative maxima.
 */
export async function calibrateRanges(model: Model, options: CalibrateOptions): Promise<Map<string, ValueRange>> {
  const ranges = new Map(options.values.map((v) => [v, { min: Infinity, max: -Infinity }]));
  await observeActivations(model, options, (name, values) => {
    const range = ranges.get(name)!;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < range.min) range.min = v;
      if (v > range.max) range.max = v;
    }
  });
  return ranges;
}

/** Per-channel mean and variance of one activation. */
export interface ChannelMoments {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
}

/**
 * Per-channel moments of activations over the calibration images: for a value of shape [N, C, …],
 * the mean and (population) variance over the batch and every position of each of its C channels
 * (axis 1).
 */
export async function channelMoments(model: Model, options: CalibrateOptions): Promise<Map<string, ChannelMoments>> {
  const sums = new Map<string, { sum: Float64Array; squares: Float64Array; count: number }>();
  await observeActivations(model, options, (name, values, dims) => {
    const channels = dims[1] ?? 1;
    const inner = dims.slice(2).reduce((p, d) => p * d, 1);
    const entry = sums.get(name) ?? { sum: new Float64Array(channels), squares: new Float64Array(channels), count: 0 };
    if (entry.sum.length !== channels) throw new WorkersError('BAD_MODEL', `"${name}" changed its channel count between batches`);
    for (let at = 0; at < values.length; ) {
      for (let c = 0; c < channels; c++) {
        let s = 0;
        let q = 0;
        for (const end = at + inner; at < end; at++) {
          s += values[at]!;
          q += values[at]! * values[at]!;
        }
        entry.sum[c]! += s;
        entry.squares[c]! += q;
      }
    }
    entry.count += values.length / channels;
    sums.set(name, entry);
  });
  return new Map(
    [...sums].map(([name, e]) => {
      const mean = e.sum.map((s) => s / e.count);
      return [name, { mean, variance: e.squares.map((q, c) => Math.max(0, q / e.count - mean[c]! * mean[c]!)) }];
    }),
  );
}

/**
 * The images calibration uses: `count` of `total`, drawn without replacement by the seeded
 * generator (seed 0, so every calibration of one dataset sees the same images), in ascending order.
 * A random sample rather than every k-th image: datasets stored class-interleaved (Fashion-MNIST's
 * fit split cycles through its 10 classes) sampled at a stride of 55 or 110 images show one or two
 * classes only.
 */
export function calibrationIndices(total: number, count: number): Int32Array {
  if (count >= total) return Int32Array.from({ length: total }, (_, i) => i);
  const all = Int32Array.from({ length: total }, (_, i) => i);
  return new Rng(0).shuffle(all).subarray(0, count).sort();
}

/**
 * Runs the model in onnxruntime-node on the calibration images with the observed activations
 * added as outputs, handing each batch's values of each one to `visit` (graph inputs come from
 * the feeds).
 */
export async function observeActivations(
  model: Model,
  options: CalibrateOptions,
  visit: (name: string, values: Float32Array, dims: readonly number[]) => void,
): Promise<void> {
  const { data } = options;
  const input = realInputs(model.graph)[0];
  if (!input) throw new WorkersError('BAD_MODEL', 'the model has no graph input to calibrate with');
  const expected = input.shape?.slice(1).join(',');
  if (expected !== data.shape.join(',')) {
    throw new WorkersError('BAD_DATASET', `calibration images are [${data.shape.join(', ')}] but the model input is [${input.shape?.join(', ')}]`);
  }
  const count = Math.min(options.count ?? DEFAULT_CALIBRATION_COUNT, data.count);
  if (count < 1) throw new WorkersError('BAD_DATASET', `calibration needs at least one image, ${data.name} has ${data.count}`);
  const indices = calibrationIndices(data.count, count);
  // Graph inputs are observed from the feeds; every other value becomes an extra output.
  const observed = options.values.filter((v) => v !== input.name);
  const known = new Set(model.graph.outputs.map((o) => o.name));
  const extra = observed.filter((v) => !known.has(v)).map((name) => ({ name, elemType: DataType.FLOAT, shape: null }));
  const probe: Model = { ...model, graph: { ...model.graph, outputs: [...model.graph.outputs, ...extra] } };
  const session = await ort.InferenceSession.create(writeModel(probe), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'basic',
  });
  try {
    const batchSize = fixedBatch(model) ?? options.batchSize ?? 100;
    const buffer = new Float32Array(batchSize * data.shape[0] * data.shape[1] * data.shape[2]);
    for (let start = 0; start < count; start += batchSize) {
      const batch = indices.subarray(start, Math.min(count, start + batchSize));
      const pixels = fillBatch(data, batch, buffer);
      const feeds = { [input.name]: new ort.Tensor('float32', pixels, [batch.length, ...data.shape]) };
      throwIfStopRequested();
      const result = await session.run(feeds, observed.length > 0 ? observed : [...session.outputNames]);
      for (const name of new Set(options.values)) {
        if (name === input.name) visit(name, pixels, [batch.length, ...data.shape]);
        else visit(name, result[name]!.data as Float32Array, result[name]!.dims);
      }
    }
  } finally {
    await session.release();
  }
}
