import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { ZooArchitecture } from './architectures.js';
import type { ZooRecipe } from './train-architecture.js';

/** One trained reference model, as recorded in `workers/zoo/manifest.json`. */
export interface ZooEntry {
  readonly arch: ZooArchitecture;
  /** File name inside the zoo folder. */
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  /** Accuracy on Fashion-MNIST `test` (10 000 images), never used for any choice. */
  readonly testAccuracy: number;
  readonly valAccuracy: number;
  readonly params: number;
  readonly macs: number;
  readonly trainSeconds: number;
  readonly imagesPerSecond: number;
  readonly seed: number;
  readonly epochs: number;
  readonly recipe: ZooRecipe;
  /** Training split and its size. */
  readonly trainedOn: string;
  readonly history: readonly { epoch: number; loss: number; accuracy: number; seconds: number }[];
  readonly environment: { readonly node: string; readonly onnxruntime: string; readonly cpu: string };
}

export interface ZooManifest {
  readonly models: readonly ZooEntry[];
}

/**
 * The folder holding the committed zoo (`workers/zoo`), found from this module's own location
 * (`workers/dist/zoo/` or `workers/src/zoo/`), so it works from any working directory.
 */
export function zooDir(): string {
  return join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'zoo');
}

/** Path of a zoo architecture's ONNX file. */
export function zooModelPath(arch: ZooArchitecture): string {
  return join(zooDir(), `${arch}.onnx`);
}
