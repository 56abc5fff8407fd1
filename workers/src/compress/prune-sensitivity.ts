import type { Dataset } from '../data/dataset.js';
import type { Model } from '../onnx/model.js';
import { floatTensor } from '../onnx/tensor.js';
import { logitsValue } from '../train/training-graph.js';
import { observeActivations } from './calibrate.js';
import { replaceInitializers, withGraph } from './graph/edit.js';
import { applyMask, pruneCount, smallestMagnitudeMasks } from './math/magnitude-mask.js';
import { allocateZeros } from './math/sparsity-allocation.js';
import { prunableWeights, pruneMagnitude, type PrunableWeight } from './prune-magnitude.js';

/**
 * Ratios each tensor is measured at: steps of 0.05, then 0.98 (ratio 1, the whole tensor, is added
 * when a budget needs it). Steps of 0.1 left the allocation too coarse on the test models: a
 * tensor's share moves in jumps of a tenth of it.
 */
export const SENSITIVITY_RATIOS: readonly number[] = [...Array.from({ length: 19 }, (_, k) => (k + 1) / 20), 0.98];

/** Calibration images the sensitivity measurement runs on by default: it runs them once per tensor and ratio, so fewer than repair's. */
export const DEFAULT_SENSITIVITY_COUNT = 256;

/** One weight tensor's measured damage curve and the share of it the allocation chose. */
export interface TensorSensitivity {
  readonly weight: string;
  readonly params: number;
  /**
   * The measured points: ratio, zeros at that ratio, and the damage (mean KL divergence from the
   * unpruned outputs) with the other tensors at the operating point, less that with this one dense.
   */
  readonly ratios: readonly number[];
  readonly zeros: readonly number[];
  readonly damage: readonly number[];
  /** Zeros the operating point (LAMP at the same ratio) gives the tensor. */
  readonly lamp: number;
  /** Zeros the allocation gave the tensor. */
  readonly chosen: number;
}

/** The per-tensor zeros `sensitivityAllocation` chose, and why. */
export interface SensitivityAllocation {
  readonly tensors: readonly TensorSensitivity[];
  /** 'measured': the allocation from the curves; 'lamp': LAMP's split, which measured less damage. */
  readonly kept: 'measured' | 'lamp';
  /** Mean KL divergence on the calibration images of the model pruned by the allocation and by LAMP. */
  readonly damage: { readonly measured: number; readonly lamp: number };
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
 * weight tensor is pruned by magnitude at every ratio of a grid, the damage to the model's outputs
 * measured on calibration images (the per-layer sensitivity analysis of Han et al., "Learning both
 * Weights and Connections for Efficient Neural Networks", NeurIPS 2015, measured rather than read
 * off by hand), and `allocateZeros` spends exactly round(ratio · n) zeros where the summed damage
 * is least. A layer that BatchNorm folding scaled up, or one the network leans on, gets a low ratio
 * whatever its magnitudes.
 *
 * Summing per-tensor damages assumes they add, and measured on the dense model they do not: pruning
 * a layer hurts more once the others are pruned too (on the test models, curves measured on the
 * dense model allocated worse than LAMP at 70–90 %). So the curves are measured around an operating
 * point — the model pruned to the same ratio by LAMP (data-free and blind to layer scales) — each
 * tensor varied with the others held there, its damage counted from that with it dense. The LAMP
 * point is on every curve, so the allocation moves zeros away from LAMP's only where these curves
 * say it pays: one step of coordinate-wise refinement of a good starting point. The allocated model
 * is then measured as a whole, and should it damage the outputs more than LAMP's split (at high
 * ratios, where the operating point is already broken and the curves flatten), LAMP's split is kept.
 *
 * Damage is the mean KL divergence KL(p ‖ q) of the pruned model's softmax q from the unpruned
 * model's p (before a final Softmax, if the model has one): it reads what accuracy reads — the
 * predicted distribution — is blind to shifts of all logits that change no prediction, which a mean
 * squared logit difference counts, and weighs the classes a model believes in, not the noise in
 * its unlikely logits. Cost: one pass over the images per tensor and grid ratio, one more per tensor
 * and three in all.
 */
export async function sensitivityAllocation(model: Model, o: SensitivityOptions): Promise<SensitivityAllocation> {
  const entries = prunableWeights(model);
  const budget = pruneCount(entries.reduce((s, e) => s + e.tensor.data.length, 0), o.ratio);
  let ratios = o.ratios ?? SENSITIVITY_RATIOS;
  // The whole tensor is measured too when the grid cannot reach the budget otherwise.
  const reach = entries.reduce((s, e) => s + pruneCount(e.tensor.data.length, ratios.at(-1) ?? 0), 0);
  if (reach < budget) ratios = [...ratios, 1];
  const logits = logitsValue(model);
  const reference = await logProbabilities(model, logits, o);
  const damageOf = async (m: Model) => klDivergence(reference, await logProbabilities(m, logits, o));
  const point = pruneMagnitude(model, { ratio: o.ratio, criterion: 'lamp' });
  const pointDamage = await damageOf(point.model);
  const curves: Omit<TensorSensitivity, 'chosen'>[] = [];
  for (const [i, entry] of entries.entries()) {
    const lamp = point.tensors[i]!.zeros;
    const at = (zeros: number) => (zeros === lamp ? pointDamage : damageOf(withZeros(point.model, entry, zeros)));
    const dense = await at(0);
    const grid = [...new Set([...ratios.map((r) => pruneCount(entry.tensor.data.length, r)), lamp])].filter((z) => z > 0).sort((a, b) => a - b);
    const points = { ratios: [0], zeros: [0], damage: [0] };
    for (const zeros of grid) {
      points.ratios.push(zeros / entry.tensor.data.length);
      points.zeros.push(zeros);
      points.damage.push((await at(zeros)) - dense);
    }
    curves.push({ weight: entry.tensor.name, params: entry.tensor.data.length, lamp, ...points });
  }
  const allocated = allocateZeros(curves, budget);
  const zeros = new Map(curves.map((c, i) => [c.weight, allocated[i]!]));
  const damage = await damageOf(pruneMagnitude(model, { ratio: o.ratio, zeros }).model);
  // Where the curves' sum misjudged the whole (far past the operating point, once it is broken), keep LAMP's split.
  const kept = damage <= pointDamage ? 'measured' : 'lamp';
  return {
    tensors: curves.map((c, i) => ({ ...c, chosen: kept === 'measured' ? allocated[i]! : c.lamp })),
    kept,
    damage: { measured: damage, lamp: pointDamage },
  };
}

/** `model` with one weight tensor replaced by its original weights less the `zeros` smallest. */
function withZeros(model: Model, entry: PrunableWeight, zeros: number): Model {
  const { name, dims, data } = entry.tensor;
  const mask = smallestMagnitudeMasks([data], zeros)[0]!;
  return withGraph(model, { initializers: replaceInitializers(model.graph, new Map([[name, floatTensor(name, dims, applyMask(data, mask))]])) });
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
