import { deviceGraphFor } from '../devices/device-graph.js';
import { deviceMemory } from '../devices/device-memory.js';
import type { DeviceSpec } from '../devices/device-spec.js';
import { predictLatency } from '../devices/latency-model.js';
import { analyzeModel } from '../onnx/analyze-model.js';
import type { Model } from '../onnx/model.js';
import type { Recipe } from '../recipe/recipe.js';
import { applyStage } from './compress-stages.js';
import { decodeWeights } from './decode-weights.js';
import { constantsToInitializers, nameNodes } from './graph/edit.js';
import { stagePlan } from './stage-plan.js';

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
 * Estimates what a valid recipe (validated where it entered; not checked again here) makes of a model on a device without the costly steps of
 * compression: the same stage plan as `compress`, run in `estimate` mode — the structure is built
 * exactly (low-rank factor shapes without the SVD, kept channels, zeroed weights, bit widths, QDQ
 * placement) but nothing is fine-tuned and static quantization is calibrated on one blank image.
 * Size, MACs and peak RAM are therefore the compressed model's; latency is the device predictor's.
 * One exception: unstructured pruning by measured sensitivity (`prune.criterion 'sensitivity'`)
 * needs images to split its zeros between tensors, so the estimate zeros as many weights of the
 * same tensors by global magnitude: params, MACs and nonzero params are exact, but a tensor's
 * bitmap-or-dense deploy size follows its own sparsity, so deploy bytes can differ (by up to about 1 %
 * on the test and peer CNNs, either way).
 */
export async function estimateRecipe(model: Model, recipe: Recipe, device: DeviceSpec): Promise<RecipeEstimate> {
  const teacher = constantsToInitializers(nameNodes(model));
  let m = teacher;
  for (const step of stagePlan(recipe)) m = (await applyStage(step, { model: m, teacher, masks: undefined, data: {}, mode: 'estimate' })).model;
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
