import * as ort from 'onnxruntime-node';
import { WorkersError } from '../errors.js';
import { fillBatch, imageSize, type Dataset } from '../data/dataset.js';
import { countTop1 } from './count-top1.js';
import { formatShape, runSession, sessionInput, withSession } from './session.js';

export interface AccuracyOptions {
  /** Images per `session.run`. Default 64. Models whose input has a fixed batch dim use that instead. */
  readonly batchSize?: number;
  /** Evaluate only the first `limit` images of the dataset. Default: all. */
  readonly limit?: number;
}

export interface AccuracyResult {
  /** correct / count, in [0, 1]. */
  readonly accuracy: number;
  readonly correct: number;
  readonly count: number;
}

/** Top-1 accuracy of an ONNX classifier over a dataset (or its first `limit` images). */
export async function evaluateAccuracy(modelBytes: Uint8Array, dataset: Dataset, options: AccuracyOptions = {}): Promise<AccuracyResult> {
  return withSession(modelBytes, (session) => accuracyInSession(session, dataset, options));
}

/**
 * Top-1 accuracy with an open session (so `evaluateModel` loads the model once). The prediction is
 * the index of the largest value of the first output, [N, classes]; on ties the lowest index wins.
 * One float32 batch buffer is reused for the whole pass.
 */
export async function accuracyInSession(session: ort.InferenceSession, dataset: Dataset, options: AccuracyOptions = {}): Promise<AccuracyResult> {
  const count = evaluationCount(dataset, options.limit);
  const input = sessionInput(session);
  const fixedBatch = checkInputShape(input.shape, dataset);
  const batch = fixedBatch ?? positiveInteger('batchSize', options.batchSize ?? 64);
  const size = imageSize(dataset);
  const buffer = new Float32Array(batch * size);
  const indices = new Int32Array(batch);
  const outputName = session.outputNames[0]!;
  let correct = 0;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    for (let i = 0; i < n; i++) indices[i] = start + i;
    fillBatch(dataset, indices.subarray(0, n), buffer);
    // A fixed batch dim must be fed whole: the tail of a short last batch is zeroed and ignored.
    const rows = fixedBatch ?? n;
    if (rows > n) buffer.fill(0, n * size);
    const feeds = { [input.name]: new ort.Tensor('float32', buffer.subarray(0, rows * size), [rows, ...dataset.shape]) };
    const logits = (await runSession(session, feeds))[outputName]!;
    correct += countCorrect(logits, dataset, start, n);
  }
  return { accuracy: correct / count, correct, count };
}

/** Number of the first `n` rows of `logits` whose argmax equals the label of image `start + row`. */
function countCorrect(logits: ort.Tensor, dataset: Dataset, start: number, n: number): number {
  if (logits.type !== 'float32' || logits.dims.length !== 2) {
    throw new WorkersError('BAD_MODEL', `model output must be float32 [N, classes], got ${logits.type} ${formatShape(logits.dims)}`);
  }
  const classes = logits.dims[1]!;
  if (classes < dataset.classes) {
    throw new WorkersError('BAD_DATASET', `model outputs ${classes} classes, dataset ${dataset.name} has ${dataset.classes}`);
  }
  return countTop1({ logits: logits.data as Float32Array, classes, rows: n, labels: dataset.labels, labelOffset: start });
}

/**
 * Checks the model's [N, C, H, W] input against the dataset's [C, H, W] images and returns the
 * batch dim when it is fixed (a number), or undefined when it is symbolic.
 */
function checkInputShape(shape: readonly (number | string)[], dataset: Dataset): number | undefined {
  if (shape.length !== 4) {
    throw new WorkersError('BAD_MODEL', `model input has shape ${formatShape(shape)}; Frontier feeds images as [N, C, H, W]`);
  }
  const expects = shape.slice(1);
  // Symbolic dims (strings, or -1 for unnamed ones) accept any size.
  if (expects.some((d, i) => typeof d === 'number' && d > 0 && d !== dataset.shape[i])) {
    throw new WorkersError(
      'BAD_DATASET',
      `model expects ${formatShape(expects)} images, dataset ${dataset.name} has ${formatShape(dataset.shape)}`,
      { modelInput: shape, datasetShape: dataset.shape },
    );
  }
  const batch = shape[0];
  return typeof batch === 'number' && batch > 0 ? batch : undefined;
}

function evaluationCount(dataset: Dataset, limit: number | undefined): number {
  if (dataset.count === 0) throw new WorkersError('BAD_DATASET', `dataset ${dataset.name} is empty`);
  return limit === undefined ? dataset.count : Math.min(positiveInteger('limit', limit), dataset.count);
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new WorkersError('BAD_ARGUMENT', `${name} must be a positive integer, got ${value}`);
  return value;
}
