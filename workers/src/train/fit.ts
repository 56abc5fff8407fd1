import { fillBatch, type Dataset } from '../data/dataset.js';
import { Rng } from '../data/rng.js';
import { WorkersError } from '../errors.js';
import { fixedBatch, type Model } from '../onnx/model.js';
import { inferShapes } from '../onnx/shape-inference.js';
import { augmentBatch, type AugmentSpec } from './augment.js';
import { FeatureSource } from './feature-source.js';
import type { LossSpec } from './loss.js';
import type { OptimizerSpec } from './optimizer.js';
import { learningRateFactor, type ScheduleSpec } from './schedule.js';
import { splitFrozenPrefix } from './split-frozen-prefix.js';
import { logitsValue } from './training-graph.js';
import { trainableParameters, type LayerSelection } from './trainable-parameters.js';
import { Trainer, withInitializers } from './trainer.js';

export interface FitOptions {
  /** Forward float32 model: images [N, C, H, W] → logits [N, K]. */
  readonly model: Model;
  readonly train: Dataset;
  readonly epochs: number;
  /** Seeds the shuffling and the augmentation. */
  readonly seed: number;
  /** Default 64. */
  readonly batchSize?: number;
  /** Default Adam, lr 1e-3. */
  readonly optimizer?: OptimizerSpec;
  /** Default cosine decay over the run. */
  readonly schedule?: ScheduleSpec;
  /** Default softmax cross-entropy. */
  readonly loss?: LossSpec;
  /** The teacher for the distillation loss (images → logits). */
  readonly teacher?: Model;
  /** Default all layers. */
  readonly layers?: LayerSelection;
  readonly masks?: ReadonlyMap<string, Float32Array>;
  readonly augment?: AugmentSpec;
  /** Called every `progressEvery` steps (default 25) and at the end of each epoch. */
  readonly onProgress?: (p: TrainingProgress) => void;
  readonly progressEvery?: number;
  /** Largest cache of frozen-prefix features and teacher logits, in bytes (default 1 GiB). */
  readonly maxCacheBytes?: number;
}

export interface TrainingProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly step: number;
  readonly stepsPerEpoch: number;
  /** Mean loss and training accuracy over this epoch so far. */
  readonly loss: number;
  readonly accuracy: number;
  readonly imagesPerSecond: number;
  readonly elapsedSeconds: number;
  readonly learningRate: number;
}

export interface EpochSummary {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly seconds: number;
}

export interface FitResult {
  /** The trained forward model (BatchNormalization not folded; see `foldBatchNorm`). */
  readonly model: Model;
  readonly history: readonly EpochSummary[];
  readonly seconds: number;
  /** Training images per second over the whole run (forward + backward + update). */
  readonly imagesPerSecond: number;
  /** Names of the parameters that trained. */
  readonly trained: readonly string[];
}

/**
 * Trains a model on a dataset: seeded shuffling every epoch, optional augmentation, a learning-rate
 * schedule, a frozen prefix computed once when only the last layers train, the teacher's logits
 * for distillation, pruning masks kept through every step.
 */
export async function fit(options: FitOptions): Promise<FitResult> {
  const { train, epochs } = options;
  // A model whose batch stays fixed (it could not be freed on load) trains that many images at a time.
  const batchSize = fixedBatch(options.model) ?? options.batchSize ?? 64;
  if (!Number.isInteger(epochs) || epochs < 1) throw new WorkersError('BAD_ARGUMENT', `epochs must be an integer ≥ 1, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new WorkersError('BAD_ARGUMENT', `batchSize must be an integer ≥ 1, got ${batchSize}`);
  if (train.count === 0) throw new WorkersError('BAD_DATASET', `the training set ${train.name} is empty`);
  const loss = options.loss ?? { kind: 'crossEntropy' };
  if (loss.kind === 'distillation' && !options.teacher) throw new WorkersError('BAD_ARGUMENT', 'the distillation loss needs a teacher model');
  const trained = trainableParameters(options.model, options.layers ?? 'all');
  const split = splitFrozenPrefix(options.model, trained);
  const source = await FeatureSource.create({
    split,
    dataset: train,
    teacher: loss.kind === 'distillation' ? options.teacher : undefined,
    cache: options.augment === undefined,
    maxCacheBytes: options.maxCacheBytes ?? 2 ** 30,
  });
  let trainer: Trainer | undefined;
  try {
    trainer = await Trainer.create({
      model: split.suffix,
      trainable: trained,
      loss,
      optimizer: options.optimizer ?? { kind: 'adam', learningRate: 1e-3 },
      ...(options.masks ? { masks: options.masks } : {}),
    });
    const run = await loop({ ...options, batchSize, trainer, source, classes: outputClasses(options.model, train) });
    return {
      model: withInitializers(options.model, trainer.trainedValues()),
      trained,
      ...run,
    };
  } finally {
    await trainer?.release();
    await source.release();
  }
}

/**
 * The classes the model scores (the width of its logits), which the one-hot labels must match: a
 * model may score more classes than a dataset uses (its extra outputs are trained towards 0), never
 * fewer.
 */
function outputClasses(model: Model, train: Dataset): number {
  const dims = inferShapes(model, { batch: 1 }).values.get(logitsValue(model))?.dims;
  const classes = typeof dims?.at(-1) === 'number' ? (dims.at(-1) as number) : train.classes;
  if (classes < train.classes) {
    throw new WorkersError('BAD_DATASET', `the model scores ${classes} classes but ${train.name} has ${train.classes}`);
  }
  return classes;
}

async function loop(o: FitOptions & { batchSize: number; trainer: Trainer; source: FeatureSource; classes: number }) {
  const rng = new Rng(o.seed);
  const { train, batchSize, classes } = o;
  const stepsPerEpoch = Math.ceil(train.count / batchSize);
  const totalSteps = stepsPerEpoch * o.epochs;
  const baseLr = (o.optimizer ?? { learningRate: 1e-3 }).learningRate;
  const schedule = o.schedule ?? { kind: 'cosine' };
  const every = o.progressEvery ?? 25;
  const started = performance.now();
  const history: EpochSummary[] = [];
  const images = new Float32Array(batchSize * train.shape[0] * train.shape[1] * train.shape[2]);
  const labels = new Float32Array(batchSize * classes);
  let seen = 0;
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const epochStart = performance.now();
    const order = rng.shuffle(Int32Array.from({ length: train.count }, (_, i) => i));
    let lossSum = 0;
    let correct = 0;
    let count = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const idx = order.subarray(step * batchSize, Math.min(train.count, (step + 1) * batchSize));
      const n = idx.length;
      let pixels: Float32Array | undefined;
      if (o.source.needsPixels) {
        pixels = fillBatch(train, idx, images);
        if (o.augment) augmentBatch(pixels, train.shape, rng, o.augment);
      }
      const batch = await o.source.batch(idx, pixels);
      labels.fill(0);
      for (let i = 0; i < n; i++) labels[i * classes + train.labels[idx[i]!]!] = 1;
      const lr = baseLr * learningRateFactor(schedule, epoch * stepsPerEpoch + step, totalSteps);
      const result = await o.trainer.step({ ...batch, labels: { data: labels.subarray(0, n * classes), dims: [n, classes] } }, lr);
      lossSum += result.loss * n;
      correct += countCorrect(result.logits, train.labels, idx, classes);
      count += n;
      seen += n;
      if (o.onProgress && ((step + 1) % every === 0 || step === stepsPerEpoch - 1)) {
        const elapsed = (performance.now() - started) / 1000;
        o.onProgress({
          epoch: epoch + 1, epochs: o.epochs, step: step + 1, stepsPerEpoch, loss: lossSum / count, accuracy: correct / count,
          imagesPerSecond: seen / elapsed, elapsedSeconds: elapsed, learningRate: lr,
        });
      }
    }
    history.push({ epoch: epoch + 1, loss: lossSum / count, accuracy: correct / count, seconds: (performance.now() - epochStart) / 1000 });
  }
  const seconds = (performance.now() - started) / 1000;
  return { history, seconds, imagesPerSecond: seen / seconds };
}

function countCorrect(logits: Float32Array, labels: Uint8Array, idx: Int32Array, classes: number): number {
  let correct = 0;
  for (let i = 0; i < idx.length; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[i * classes + k]! > logits[i * classes + best]!) best = k;
    if (best === labels[idx[i]!]) correct++;
  }
  return correct;
}
