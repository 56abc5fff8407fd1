import type { Recipe } from '../compress/recipe.js';
import type { DeviceSpec } from '../devices/device-spec.js';

/** The built-in datasets a pooled evaluation can read. */
export type PoolDataset = 'fashion-mnist';

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

export type CandidateTask = EvaluateTask | TestTask;

/** The measured figures of one candidate (the store's CandidateMetrics shape). */
export interface CandidateFigures {
  readonly accuracy: { readonly val: number };
  readonly latency: { readonly ms: number; readonly source: 'MEASURED' | 'PREDICTED' };
  readonly peakRamBytes: number;
  readonly modelBytes: number;
  readonly deployBytes: number;
  readonly params: number;
  readonly nonzeroParams: number;
  readonly macs: number;
}

export interface EvaluateOutput {
  readonly kind: 'evaluate';
  readonly metrics: CandidateFigures;
  /** The compressed ONNX file, moved (not copied) back from the worker thread. */
  readonly artifact: Uint8Array;
  /** One line per compression stage. */
  readonly stages: readonly string[];
  readonly provenance: {
    readonly modelSha256: string;
    readonly datasetSha256: string;
    readonly versions: Readonly<Record<string, string>>;
    readonly seed: number;
    readonly timings: Readonly<Record<string, number>>;
  };
}

export interface TestOutput {
  readonly kind: 'test';
  readonly accuracy: number;
}

export type CandidateOutput = EvaluateOutput | TestOutput;
