import type { Dataset } from '../data/dataset.js';
import type { Model } from '../onnx/model.js';
import { floatTensor } from '../onnx/tensor.js';
import { logitsValue } from '../train/training-graph.js';
import { observeActivations } from './calibrate.js';
import { replaceInitializers, withGraph } from './graph/edit.js';
import { applyMask, pruneCount, smallestMagnitudeMasks } from './math/magnitude-mask.js';
import { allocateZeros } from './math/sparsity-allocation.js';
import { prunableWeights } from './prune-magnitude.js';

/** Ratios each tensor is pruned at alone to measure its damage curve (ratio 1 is added when a budget needs it). */
export const SENSITIVITY_RATIOS: readonly number[] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98];

/** Calibration images the sensitivity measurement runs on by default: it runs them once per tensor and ratio, so fewer than repair's. */
export const DEFAULT_SENSITIVITY_COUNT = 256;

/** One weight tensor's measured damage curve and the share of it the allocation chose. */
export interface TensorSensitivity {
  readonly weight: string;
  readonly params: number;
  /** The measured points: ratio, zeros at that ratio, and mean KL divergence from the unpruned outputs. */
  readonly ratios: readonly number[];
  readonly zeros: readonly number[];
  readonly damage: readonly number[];
  /** Zeros the allocation gave the tensor. */
  readonly chosen: number;
}

export interface SensitivityOptions {
  /** Fraction of all prunable weights to zero, in [0, 1). */
  readonly ratio: number;
  /** Calibration images (the fit split). */
  readonly data: Dataset;
  /** Images used: a fixed pseudo-random sample (see `calibrationIndices`). */
  readonly count: number;
  /** Measured ratios in (0, 1), ascending. Default {@link SENSITIVITY_RATIOS}. */
  readonly ratios?: readonly number[];
}

/**
 * Per-layer sparsities from measured sensitivity, for `pruneMagnitude`'s `zeros`: each prunable
 * weight tensor is pruned alone by magnitude at every ratio of a grid, the damage to the model's
 * outputs measured on calibration images (the per-layer sensitivity analysis of Han et al.,
 * "Learning both Weights and Connections for Efficient Neural Networks", NeurIPS 2015, measured
 * here rather than read off by hand), and `allocateZeros` spends exactly round(ratio · n) zeros where
 * the summed damage is least. A layer that BatchNorm folding scaled up, or one the network leans
 * on, gets a low ratio whatever its magnitudes.
 *
 * Damage is the mean KL divergence KL(p ‖ q) of the pruned model's softmax q from the unpruned
 * model's p (before a final Softmax, if the model has one): it reads what accuracy reads — the
 * predicted distribution — is blind to shifts of all logits that change no prediction, which a
 * mean squared logit difference counts, and weighs the classes a model believes in, not the noise
 * in its unlikely logits. Summing damages over layers assumes they add, as the second-order
 * expansion of the KL divergence does for independent errors.
 */
export async function sensitivityAllocation(model: Model, o: SensitivityOptions): Promise<TensorSensitivity[]> {
  const entries = prunableWeights(model);
  const budget = pruneCount(entries.reduce((s, e) => s + e.tensor.data.length, 0), o.ratio);
  let ratios = o.ratios ?? SENSITIVITY_RATIOS;
  // The whole tensor is measured too when the grid cannot reach the budget otherwise.
  const reach = entries.reduce((s, e) => s + pruneCount(e.tensor.data.length, ratios.at(-1) ?? 0), 0);
  if (reach < budget) ratios = [...ratios, 1];
  const logits = logitsValue(model);
  const reference = await logProbabilities(model, logits, o);
  const curves: Omit<TensorSensitivity, 'chosen'>[] = [];
  for (const { tensor } of entries) {
    const points = { ratios: [0], zeros: [0], damage: [0] };
    for (const r of ratios) {
      const zeros = pruneCount(tensor.data.length, r);
      // Small tensors round neighbouring ratios to one count: measure it once.
      if (zeros === points.zeros.at(-1)) continue;
      const mask = smallestMagnitudeMasks([tensor.data], zeros)[0]!;
      const pruned = withGraph(model, { initializers: replaceInitializers(model.graph, new Map([[tensor.name, floatTensor(tensor.name, tensor.dims, applyMask(tensor.data, mask))]])) });
      points.ratios.push(r);
      points.zeros.push(zeros);
      points.damage.push(klDivergence(reference, await logProbabilities(pruned, logits, o)));
    }
    curves.push({ weight: tensor.name, params: tensor.data.length, ...points });
  }
  const chosen = allocateZeros(curves, budget);
  return curves.map((c, i) => ({ ...c, chosen: chosen[i]! }));
}

/** Log-softmax of `logits` [N, K] for each calibration image, rows in calibration order. */
async function logProbabilities(model: Model, logits: string, o: SensitivityOptions): Promise<{ rows: Float64Array; classes: number }> {
  const batches: { values: Float32Array; classes: number }[] = [];
  await observeActivations(model, { values: [logits], data: o.data, count: o.count }, (_, values, dims) => {
    batches.push({ values: values.slice(), classes: dims[1] ?? 1 });
  });
  const classes = batches[0]?.classes ?? 1;
  const rows = new Float64Array(batches.reduce((s, b) => s + b.values.length, 0));
  let at = 0;
  for (const b of batches) {
    for (let start = 0; start < b.values.length; start += classes, at += classes) {
      let max = -Infinity;
      for (let k = 0; k < classes; k++) max = Math.max(max, b.values[start + k]!);
      let sum = 0;
      for (let k = 0; k < classes; k++) sum += Math.exp(b.values[start + k]! - max);
      const log = max + Math.log(sum);
      for (let k = 0; k < classes; k++) rows[at + k] = b.values[start + k]! - log;
    }
  }
  return { rows, classes };
}

/** Mean over rows of KL(p ‖ q) = Σ_k p_k (log p_k − log q_k), from log-probabilities. */
function klDivergence(p: { rows: Float64Array; classes: number }, q: { rows: Float64Array }): number {
  const n = p.rows.length / p.classes;
  let total = 0;
  for (let i = 0; i < p.rows.length; i++) {
    const lp = p.rows[i]!;
    total += Math.exp(lp) * (lp - q.rows[i]!);
  }
  return n > 0 ? total / n : 0;
}
