import { WorkersError } from '../errors.js';
import type { FloatTensor, Model, Tensor } from '../onnx/model.js';
import { floatTensor } from '../onnx/tensor.js';
import { replaceInitializers, withGraph } from './graph/edit.js';
import { weightLayers } from './graph/layers.js';
import { lampScores } from './math/lamp-scores.js';
import { applyMask, pruneCount, smallestMagnitudeMasks } from './math/magnitude-mask.js';

/** Zeros per weight tensor after unstructured pruning. */
export interface PrunedTensor {
  readonly weight: string;
  readonly nodes: readonly string[];
  readonly params: number;
  readonly zeros: number;
}

export interface PruneMagnitudeResult {
  readonly model: Model;
  /**
   * The mask of every pruned weight tensor, by initializer name: 1 keeps a weight, 0 prunes it.
   * Fine-tuning multiplies gradients (and weights) by it so pruned weights stay zero.
   */
  readonly masks: ReadonlyMap<string, Uint8Array>;
  readonly tensors: readonly PrunedTensor[];
  /** Zeros over all pruned tensors divided by their size. */
  readonly sparsity: number;
}

export interface PruneMagnitudeOptions {
  /** Fraction of weights to zero, in [0, 1). */
  readonly ratio: number;
  /** 'global': one threshold over all layers (default); 'layer': each layer reaches `ratio`. */
  readonly scope?: 'global' | 'layer';
  /**
   * What a global threshold ranks: |w| ('magnitude', default), or LAMP scores ('lamp', see
   * `lampScores`), which per-layer weight scales do not distort. Within one layer both rank alike.
   */
  readonly criterion?: 'magnitude' | 'lamp';
  /**
   * Zeros per weight tensor, by initializer name, chosen elsewhere (see `sensitivityAllocation`):
   * each tensor loses exactly that many of its smallest |w|, in place of a threshold. It must name
   * every prunable tensor and add up to round(ratio · n).
   */
  readonly zeros?: ReadonlyMap<string, number>;
}

/** One prunable weight tensor and the nodes that read it. */
export interface PrunableWeight {
  readonly tensor: FloatTensor;
  readonly nodes: readonly string[];
}

/** The weight tensors unstructured pruning prunes: every Conv/Gemm/MatMul weight, once each, in graph order. */
export function prunableWeights(model: Model): PrunableWeight[] {
  const byWeight = new Map<string, { tensor: FloatTensor; nodes: string[] }>();
  for (const layer of weightLayers(model)) {
    const entry = byWeight.get(layer.weight.name) ?? { tensor: layer.weight, nodes: [] as string[] };
    entry.nodes.push(layer.node.name);
    byWeight.set(layer.weight.name, entry);
  }
  return [...byWeight.values()];
}

/**
 * Unstructured magnitude pruning of every Conv/Gemm/MatMul weight (biases are left dense): exactly
 * round(ratio · n) weights of smallest |w| become zero — over all n weights together (global) or in
 * each tensor (layer), or as many as `zeros` gives each tensor; a global threshold ranks |w| or, with
 * criterion 'lamp', LAMP scores. Ties
 * at the threshold are broken by position, so results are deterministic.
 * Weights already zero count among the smallest.
 */
export function pruneMagnitude(model: Model, options: PruneMagnitudeOptions): PruneMagnitudeResult {
  const { ratio } = options;
  if (!(ratio >= 0 && ratio < 1)) {
    throw new WorkersError('BAD_RECIPE', `prune.ratio must be in [0, 1), got ${ratio}`, { field: 'prune.ratio', value: ratio });
  }
  const entries = prunableWeights(model);
  const data = entries.map((e) => e.tensor.data);
  const ranked = options.criterion === 'lamp' ? data.map(lampScores) : data;
  const budget = pruneCount(data.reduce((s, d) => s + d.length, 0), ratio);
  const maskList = options.zeros
    ? givenZeros(entries, options.zeros, budget).map((z, i) => smallestMagnitudeMasks([data[i]!], z)[0]!)
    : (options.scope ?? 'global') === 'global'
      ? smallestMagnitudeMasks(ranked, budget)
      : data.map((d) => smallestMagnitudeMasks([d], pruneCount(d.length, ratio))[0]!);
  const masks = new Map<string, Uint8Array>();
  const replacements = new Map<string, Tensor>();
  const tensors: PrunedTensor[] = [];
  let zeros = 0;
  let total = 0;
  entries.forEach((e, i) => {
    const mask = maskList[i]!;
    const t = e.tensor;
    masks.set(t.name, mask);
    replacements.set(t.name, floatTensor(t.name, t.dims, applyMask(t.data, mask)));
    const z = mask.length - mask.reduce((s, m) => s + m, 0);
    tensors.push({ weight: t.name, nodes: e.nodes, params: mask.length, zeros: z });
    zeros += z;
    total += mask.length;
  });
  const pruned = withGraph(model, { initializers: replaceInitializers(model.graph, replacements) });
  return { model: pruned, masks, tensors, sparsity: total > 0 ? zeros / total : 0 };
}

/** The zeros `zeros` gives each entry, checked: every tensor named, each count in [0, size], `budget` in all. */
function givenZeros(entries: readonly PrunableWeight[], zeros: ReadonlyMap<string, number>, budget: number): number[] {
  const counts = entries.map(({ tensor }) => {
    const z = zeros.get(tensor.name);
    if (z === undefined || !Number.isInteger(z) || z < 0 || z > tensor.data.length) {
      throw new WorkersError('BAD_ARGUMENT', `zeros of "${tensor.name}" must be an integer in [0, ${tensor.data.length}], got ${z}`);
    }
    return z;
  });
  const sum = counts.reduce((s, z) => s + z, 0);
  if (sum !== budget) throw new WorkersError('BAD_ARGUMENT', `zeros per tensor add up to ${sum}, but the ratio prunes ${budget}`);
  return counts;
}
