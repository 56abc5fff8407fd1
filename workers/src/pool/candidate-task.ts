import type { RecipeEstimate } from '../compress/estimate-recipe.js';
import type { StageReport } from '../compress/compress.js';
import type { DatasetRef } from '../data/registered-dataset.js';
import type { PrepareDatasetOptions, PreparedDataset } from '../data/prepare-dataset.js';
import type { Recipe } from '../recipe/recipe.js';
import type { DeviceSpec } from '../devices/device-spec.js';
import type { LatencySource } from '../devices/latency-model.js';

/**
 * The dataset a pooled evaluation reads: the built-in Fashion-MNIST, or a registered dataset named
 * by its provenance hash (its decoded tensors are read from the data folder's cache, once per thread).
 */
export type PoolDataset = 'fashion-mnist' | DatasetRef;

/** Compress a model by a recipe and measure it for a device (`val` accuracy). */
export interface EvaluateTask {
  readonly kind: 'evaluate';
  readonly model: { readonly sha256: string; readonly bytes: Uint8Array };
  readonly recipe: Recipe;
  readonly dataset: PoolDataset;
  /** Where the dataset cache lives (FRONTIER_DATA). */
  readonly dataDir: string;
  readonly device: DeviceSpec;
  /** Seeds distillation's image order. */
  readonly seed: number;
  /** Single-image runs timed on the host (device `host` only). */
  readonly latency?: { readonly warmup?: number; readonly runs?: number };
}

/** Top-1 accuracy of an already compressed model on the `test` split. */
export interface TestTask {
  readonly kind: 'test';
  readonly artifact: Uint8Array;
  readonly dataset: PoolDataset;
  readonly dataDir: string;
}

/**
 * The pre-screen of a recipe: `estimateRecipe` of the task's model on its device, run in a worker
 * so that its kernels (an onnxruntime calibration session for static int8) stay off the event loop.
 */
export interface EstimateTask {
  readonly kind: 'estimate';
  readonly model: { readonly sha256: string; readonly bytes: Uint8Array };
  readonly recipe: Recipe;
  readonly device: DeviceSpec;
}

/** Top-1 accuracy of an uncompressed model on `val`: a registered model's baseline. */
export interface BaselineTask {
  readonly kind: 'baseline';
  readonly model: Uint8Array;
  readonly dataset: PoolDataset;
  readonly dataDir: string;
}

/** A user's dataset read, checked, split and cached (see `prepareDataset`): decoding, reordering and hashing stay off the event loop. */
export interface PrepareDatasetTask {
  readonly kind: 'prepare-dataset';
  readonly options: PrepareDatasetOptions;
}

export type CandidateTask = EvaluateTask | TestTask | EstimateTask | BaselineTask | PrepareDatasetTask;

/** What an evaluation measured: the worker produces it, the store keeps it. */
export interface CandidateMetrics {
  /** Top-1 accuracy in [0, 1]; `test` is measured for front members only. */
  readonly accuracy: { readonly val: number; readonly test?: number };
  /** `uncertainty`: the relative held-out error of a cost-model prediction (see `latencyBorderline`). */
  readonly latency: { readonly ms: number; readonly source: LatencySource; readonly uncertainty?: number };
  readonly peakRamBytes: number;
  /** Size of the ONNX file. */
  readonly modelBytes: number;
  /** Size packed for the device (weights at their stored bit width). */
  readonly deployBytes: number;
  readonly params: number;
  readonly nonzeroParams: number;
  readonly macs: number;
}

/** Where a result comes from: the inputs' hashes, the software versions, the seed, the time per phase. */
export interface Provenance {
  readonly modelSha256: string;
  readonly datasetSha256: string;
  /** Versions of what produced the result (`frontier`, `onnxruntime-node`, `node` …). */
  readonly versions: { readonly [name: string]: string };
  readonly seed: number;
  /** Milliseconds spent per phase (`compress`, `evaluate` …). */
  readonly timings: { readonly [phase: string]: number };
  /** What each compression stage did and the model's figures after it, in order (the compression report without the kernels' own records). */
  readonly stages?: readonly StageRecord[];
}

/** One stage of a candidate's compression, as the compression report states it. */
export type StageRecord = Pick<StageReport, 'stage' | 'summary' | 'seconds' | 'after'>;

export interface EvaluateOutput {
  readonly kind: 'evaluate';
  readonly metrics: CandidateMetrics;
  /** The compressed ONNX file, moved (not copied) back from the worker thread. */
  readonly artifact: Uint8Array;
  readonly provenance: Provenance;
}

export interface TestOutput {
  readonly kind: 'test';
  readonly accuracy: number;
}

export interface EstimateOutput {
  readonly kind: 'estimate';
  readonly estimate: RecipeEstimate;
}

export interface BaselineOutput {
  readonly kind: 'baseline';
  readonly accuracy: number;
}

export interface PrepareDatasetOutput {
  readonly kind: 'prepare-dataset';
  readonly prepared: PreparedDataset;
}

export type CandidateOutput = EvaluateOutput | TestOutput | EstimateOutput | BaselineOutput | PrepareDatasetOutput;
