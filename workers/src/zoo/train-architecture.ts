import type { Dataset } from '../data/dataset.js';
import { loadFashionMnistImages, fashionMnistSplit } from '../data/fashion-mnist.js';
import { defaultStreamAboveBytes, loadRegisteredImages, registeredSplit, shouldStream, type DatasetRef } from '../data/registered-dataset.js';
import { analyzeModel } from '../onnx/analyze-model.js';
import type { Model } from '../onnx/model.js';
import type { AugmentSpec } from '../train/augment.js';
import { fit, type EpochSummary, type TrainingProgress } from '../train/fit.js';
import { foldBatchNorm } from '../train/fold-batch-norm.js';
import type { OptimizerSpec } from '../train/optimizer.js';
import { accuracyOf, predictLogits } from '../train/predict.js';
import { buildArchitecture, type ZooArchitecture } from './architectures.js';

/** The training recipe of each zoo architecture (fixed: the zoo's figures depend on it). */
export interface ZooRecipe {
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerSpec;
  readonly augment?: AugmentSpec;
}

export const ZOO_RECIPES: Readonly<Record<ZooArchitecture, ZooRecipe>> = {
  // Adam with decoupled weight decay and cosine decay; shifts of ±2 px and mirror images keep the
  // 401k-weight dense layer from memorising the 55 000 training images.
  'fashion-cnn': {
    epochs: 15,
    batchSize: 64,
    optimizer: { kind: 'adam', learningRate: 2e-3, weightDecay: 1e-4 },
    augment: { maxShift: 2, flip: true },
  },
  'fashion-mlp': { epochs: 20, batchSize: 64, optimizer: { kind: 'adam', learningRate: 1e-3, weightDecay: 1e-4 } },
};

export interface TrainArchitectureOptions {
  readonly arch: ZooArchitecture;
  /** Default: the recipe's. */
  readonly epochs?: number;
  /** Seeds the initial weights, the shuffling and the augmentation. Default 1. */
  readonly seed?: number;
  /** Frontier's data folder (the Fashion-MNIST cache lives under it). */
  readonly dataDir: string;
  /**
   * Train on a registered dataset instead of Fashion-MNIST (`fit` to train, `val` and `test` to
   * report); the architecture is built for its image shape and classes.
   */
  readonly dataset?: DatasetRef;
  readonly onProgress?: (p: TrainingProgress) => void;
}

export interface ArchitectureMetrics {
  readonly arch: ZooArchitecture;
  readonly seed: number;
  readonly epochs: number;
  /** Accuracy of the exported model on `test` (10 000 images; never used to choose anything). */
  readonly testAccuracy: number;
  /** Accuracy on `val` (5000 images held out of `fit`). */
  readonly valAccuracy: number;
  /** Training accuracy over the last epoch (augmented images, weights still moving). */
  readonly trainAccuracy: number;
  readonly params: number;
  readonly macs: number;
  readonly trainSeconds: number;
  readonly imagesPerSecond: number;
  readonly history: readonly EpochSummary[];
}

/**
 * Trains a zoo architecture on Fashion-MNIST `fit` (55 000 images) from a seed, exports it with
 * BatchNormalization folded, and measures it on `val` and `test`.
 */
export async function trainArchitecture(options: TrainArchitectureOptions): Promise<{ model: Model; metrics: ArchitectureMetrics }> {
  const recipe = ZOO_RECIPES[options.arch];
  const seed = options.seed ?? 1;
  const epochs = options.epochs ?? recipe.epochs;
  const split = splitLoader(options);
  const train = split('fit');
  const result = await fit({
    model: buildArchitecture(options.arch, seed, { input: train.shape, classes: train.classes }),
    train,
    epochs,
    seed,
    batchSize: recipe.batchSize,
    optimizer: recipe.optimizer,
    schedule: { kind: 'cosine' },
    ...(recipe.augment ? { augment: recipe.augment } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const model = foldBatchNorm(result.model);
  const accuracy = async (which: 'val' | 'test') => {
    const ds = split(which);
    return accuracyOf(await predictLogits(model, ds), ds.labels, ds.classes);
  };
  const analysis = analyzeModel(model);
  return {
    model,
    metrics: {
      arch: options.arch,
      seed,
      epochs,
      testAccuracy: await accuracy('test'),
      valAccuracy: await accuracy('val'),
      trainAccuracy: result.history.at(-1)!.accuracy,
      params: analysis.params,
      macs: analysis.macs,
      trainSeconds: result.seconds,
      imagesPerSecond: result.imagesPerSecond,
      history: result.history,
    },
  };
}

/** Reads the training data once and cuts splits from it. */
function splitLoader(options: TrainArchitectureOptions): (split: 'fit' | 'val' | 'test') => Dataset {
  if (options.dataset) {
    const stream = shouldStream({ dataDir: options.dataDir, ref: options.dataset, limit: defaultStreamAboveBytes() });
    const images = loadRegisteredImages({ dataDir: options.dataDir, ref: options.dataset, stream });
    return (split) => registeredSplit(images, split);
  }
  const images = loadFashionMnistImages({ dataDir: options.dataDir });
  return (split) => fashionMnistSplit(images, split);
}
