import type { Dataset } from '../data/dataset.js';
import { deviceGraphFor } from '../devices/device-graph.js';
import { deviceMemory } from '../devices/device-memory.js';
import type { DeviceSpec } from '../devices/device-spec.js';
import { predictLatency } from '../devices/latency-model.js';
import { analyzeModel } from '../onnx/analyze-model.js';
import type { Model } from '../onnx/model.js';
import { inferShapes } from '../onnx/shape-inference.js';
import { decodeWeights } from './decode-weights.js';
import { constantsToInitializers, nameNodes } from './graph/edit.js';
import { lowRankSvd } from './low-rank-svd.js';
import { pruneChannels } from './prune-channels.js';
import { pruneMagnitude } from './prune-magnitude.js';
import { quantizeStatic } from './quantize-static.js';
import { quantizeWeights } from './quantize-weights.js';
import { parseRecipe, type Recipe } from './recipe.js';

/** A recipe's compressed model on a device, estimated before anything is fine-tuned or measured. */
export interface RecipeEstimate {
  /** Predicted single-image latency; absent when the device cannot run the model's precisions. */
  readonly latencyMs?: number;
  readonly peakRamBytes: number;
  readonly deployBytes: number;
  readonly params: number;
  readonly macs: number;
  /** Why the device cannot run the compressed model at all (a precision it lacks). */
  readonly unsupported?: string;
}

/**
 * Estimates what a recipe makes of a model on a device without the costly steps of compression:
 * the structure is built exactly — low-rank factor shapes (without computing the SVD), kept
 * channels, zeroed weights, bit widths, QDQ placement — but nothing is fine-tuned (distillation
 * changes no shape), static quantization is calibrated on one blank image (ranges do not change
 * sizes), and nothing is evaluated. Size, MACs and peak RAM are therefore the compressed model's;
 * latency is the device predictor's.
 */
export async function estimateRecipe(model: Model, recipe: Recipe, device: DeviceSpec): Promise<RecipeEstimate> {
  const r = parseRecipe(recipe);
  let m = constantsToInitializers(nameNodes(model));
  if (r.lowRank) m = lowRankSvd(m, { rankRatio: r.lowRank.rankRatio, factors: 'structure' }).model;
  if (r.prune) {
    m = r.prune.structure === 'channel'
      ? pruneChannels(m, { ratio: r.prune.ratio, criterion: r.prune.criterion ?? 'l1' }).model
      : pruneMagnitude(m, { ratio: r.prune.ratio, scope: r.prune.scope ?? 'global' }).model;
  }
  const q = r.quant;
  if (q && q.activationBits === 8) {
    const quantized = await quantizeStatic(m, { weightBits: q.weightBits, granularity: q.granularity, symmetric: q.symmetric, calibration: blankImage(m), calibrationCount: 1 });
    m = quantized.model;
  } else if (q) {
    m = quantizeWeights(m, { bits: q.weightBits, granularity: q.granularity, symmetric: q.symmetric }).model;
  }
  const graph = deviceGraphFor(m, device);
  const memory = deviceMemory(graph, device);
  const latency = predictLatency(graph, device);
  const analysis = analyzeModel(decodeWeights(m));
  return {
    ...(latency.supported ? { latencyMs: latency.ms } : { unsupported: latency.message }),
    peakRamBytes: memory.peakRamBytes,
    deployBytes: memory.storageBytes,
    params: analysis.params,
    macs: analysis.macs,
  };
}

/** One all-zero image of the model's input shape: enough for static quantization to place its nodes. */
function blankImage(model: Model): Dataset {
  const input = model.graph.inputs.find((i) => !model.graph.initializers.some((t) => t.name === i.name))!;
  const dims = inferShapes(model, { batch: 1 }).values.get(input.name)!.dims;
  const [c, h, w] = [dims[1] ?? 1, dims[2] ?? 1, dims[3] ?? 1];
  return { name: 'blank', shape: [c, h, w], classes: 1, count: 1, pixels: new Uint8Array(c * h * w), pixelScale: 1 / 255, labels: Uint8Array.of(0) };
}
