import { CATALOGUE_DEVICES } from '../devices/catalogue.js';
import { deviceGraph } from '../devices/device-graph.js';
import { deviceMemory } from '../devices/device-memory.js';
import { analyzeModel } from '../onnx/analyze-model.js';
import type { Model } from '../onnx/model.js';
import { writeModel } from '../onnx/write-model.js';
import { decodeWeights } from './decode-weights.js';

/** The size and cost figures of a model, as a compression report states them. */
export interface ModelFigures {
  /** Weight elements (quantized weights count as the parameters they encode). */
  readonly params: number;
  /** Weight elements that are not zero. */
  readonly nonzeroParams: number;
  /** Multiply-accumulates for one image. */
  readonly macs: number;
  /** Bytes of the ONNX file. */
  readonly fileBytes: number;
  /**
   * Bytes of the constants packed for a device: each tensor dense at its code width (sub-byte
   * codes packed) or, when smaller, as a presence bitmap plus the nonzero codes — the devices'
   * deploy format (`deployWeightBytes`), so this equals a device's storage figure.
   */
  readonly deployBytes: number;
  /**
   * Peak live activation bytes for one image as the device runtime executes the model (fused
   * layers, int8 activations between QDQ layers, a weight-only-quantized weight's float copy live
   * while its layer runs) — the device memory model's `activationPeakBytes`.
   */
  readonly peakActivationBytes: number;
}

/** Measures a model (serializing it, since its file size is one of the figures). */
export function modelFigures(model: Model, bytes: Uint8Array = writeModel(model)): ModelFigures {
  const analysis = analyzeModel(decodeWeights(model));
  const graph = deviceGraph(model);
  // Activation liveness does not depend on the device; any spec serves.
  const memory = deviceMemory(graph, CATALOGUE_DEVICES[0]!);
  return {
    params: analysis.params,
    nonzeroParams: analysis.nonzeroParams,
    macs: analysis.macs,
    fileBytes: bytes.length,
    deployBytes: memory.storageBytes,
    peakActivationBytes: memory.activationPeakBytes,
  };
}
