import type { Dataset } from '../data/dataset.js';
import { WorkersError } from '../errors.js';
import { floatAttr } from '../onnx/attributes.js';
import type { Model, Node, Tensor } from '../onnx/model.js';
import { floatTensor } from '../onnx/tensor.js';
import { topologicalOrder } from '../onnx/topological-order.js';
import { channelMoments, type ChannelMoments } from './calibrate.js';
import { Namer, withGraph } from './graph/edit.js';
import { layerBias, weightLayer } from './graph/layers.js';

export interface CorrectBiasesOptions {
  /** The model before pruning: the reference whose output means are restored. */
  readonly original: Model;
  /** Calibration images: a subset of the `fit` split, never `val` or `test`. */
  readonly data: Dataset;
  /** Images used. Default 1000 (all if fewer). */
  readonly count?: number;
  /**
   * For layers whose output channels were pruned away (channel pruning), by node name: the
   * original indices of the channels kept, ascending. Other layers keep all their channels.
   */
  readonly keptOutputs?: ReadonlyMap<string, Int32Array>;
  /**
   * 'bias' (default): restore each channel's mean through the bias. 'affine': restore its mean and
   * standard deviation, scaling the layer's filter and bias by σ_original / σ_pruned first.
   */
  readonly match?: 'bias' | 'affine';
}

export interface CorrectBiasesResult {
  readonly model: Model;
  /** Layers whose bias was corrected, with the mean |shift| added over their channels. */
  readonly corrected: readonly { readonly node: string; readonly meanAbsShift: number; readonly meanScale: number }[];
  /** Layers left as they were, with the reason. */
  readonly skipped: readonly { readonly node: string; readonly reason: string }[];
}

/**
 * Bias correction after pruning, without training (the empirical bias correction of Nagel et al.,
 * "Data-Free Quantization Through Weight Equalization and Bias Correction", ICCV 2019, §4.2,
 * applied to pruning error instead of quantization error): pruning shifts the expected output of a
 * layer, E[W'x'] ≠ E[Wx], and the shift passes through the next ReLU as a systematic error. For
 * every Conv/Gemm in topological order, the mean of each output channel over the calibration
 * images is measured in the original model and in the pruned model (with the corrections of the
 * layers before it already applied, so upstream shifts are accounted for), and the difference is
 * added to the layer's bias (a zero bias is added where there was none): afterwards each layer's
 * pre-activation means match the original's. With match 'affine' each channel's standard deviation
 * is restored too, by rescaling its filter and bias first — the per-channel renormalization of
 * Jordan et al., "REPAIR: REnormalizing Permuted Activations for Interpolation Repair", ICLR 2023
 * (§4), here applied to a pruned network against its unpruned original; pruning shrinks the
 * variance of a layer's outputs as well as moving their mean. One onnxruntime pass per layer, plus
 * one over the original.
 */
export async function correctBiases(pruned: Model, options: CorrectBiasesOptions): Promise<CorrectBiasesResult> {
  const count = options.count ?? 1000;
  const inits = new Map(pruned.graph.initializers.map((t) => [t.name, t]));
  const layers = topologicalOrder(pruned.graph).filter((n) => {
    const l = weightLayer(n, inits);
    return l && l.kind !== 'MatMul';
  });
  const skipped = topologicalOrder(pruned.graph)
    .filter((n) => weightLayer(n, inits)?.kind === 'MatMul')
    .map((n) => ({ node: n.name, reason: 'MatMul has no bias input' }));
  const originalNodes = new Map(options.original.graph.nodes.map((n) => [n.name, n]));
  const outputs = layers.map((n) => originalNodes.get(n.name)?.outputs[0]);
  const missing = layers.find((_, i) => outputs[i] === undefined);
  if (missing) throw new WorkersError('BAD_MODEL', `layer "${missing.name}" of the pruned model is not in the original`);
  const target = await channelMoments(options.original, { values: outputs as string[], data: options.data, count });
  let model = pruned;
  const corrected: { node: string; meanAbsShift: number; meanScale: number }[] = [];
  for (const layer of layers) {
    const output = layer.outputs[0]!;
    const current = (await channelMoments(model, { values: [output], data: options.data, count })).get(output)!;
    const wanted = keptMoments(target.get(originalNodes.get(layer.name)!.outputs[0]!)!, options.keptOutputs?.get(layer.name));
    if (wanted.mean.length !== current.mean.length) {
      throw new WorkersError('BAD_MODEL', `layer "${layer.name}" has ${current.mean.length} output channels, the original ${wanted.mean.length} kept`);
    }
    // Equation (11) of Nagel et al. with the expectations measured: E[y] − E[ỹ] goes into the bias.
    // 'affine' rescales first (ỹ → s·ỹ), so the shift is E[y] − s·E[ỹ].
    const scale = options.match === 'affine' ? current.variance.map((v, c) => (v > 0 ? Math.sqrt(wanted.variance[c]! / v) : 1)) : current.mean.map(() => 1);
    const shift = wanted.mean.map((w, c) => w - scale[c]! * current.mean[c]!);
    model = correctLayer(model, layer, { scale, shift });
    corrected.push({
      node: layer.name,
      meanAbsShift: shift.reduce((s, d) => s + Math.abs(d), 0) / shift.length,
      meanScale: scale.reduce((s, d) => s + d, 0) / scale.length,
    });
  }
  return { model, corrected, skipped };
}

function keptMoments(m: ChannelMoments, kept: Int32Array | undefined): ChannelMoments {
  return kept ? { mean: Float64Array.from(kept, (c) => m.mean[c]!), variance: Float64Array.from(kept, (c) => m.variance[c]!) } : m;
}

/**
 * The model with a Conv's or Gemm's output channel c mapped to scale[c]·y + shift[c]: its filter
 * and bias scaled, then `shift` added to the bias, as new initializers (tensors read by other
 * nodes stay as they were). Gemm computes alpha·A·B + beta·C, so its C gets shift / beta.
 */
export function correctLayer(model: Model, node: Node, o: { readonly scale: Float64Array; readonly shift: Float64Array }): Model {
  const { scale, shift } = o;
  const inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
  const layer = weightLayer(node, inits);
  if (!layer || layer.kind === 'MatMul') throw new WorkersError('BAD_MODEL', `node "${node.name}" is not a Conv or Gemm with a constant weight`);
  const channels = layer.weight.dims[layer.outAxis]!;
  if (shift.length !== channels) throw new WorkersError('BAD_MODEL', `node "${node.name}" has ${channels} output channels, got ${shift.length} shifts`);
  const beta = layer.kind === 'Gemm' ? floatAttr(node, 'beta', 1) : 1;
  const old = layerBias(layer, channels);
  const namer = new Namer(model.graph);
  const bias: Tensor = floatTensor(namer.fresh(`${node.name}.bias_corrected`), [channels], old.map((b, c) => scale[c]! * b + shift[c]! / beta));
  const added = [bias];
  const inputs = [...node.inputs];
  inputs[2] = bias.name;
  if (scale.some((s) => s !== 1)) {
    const w = layer.weight;
    const perChannel = w.data.length / channels;
    const data = new Float32Array(w.data.length);
    for (let i = 0; i < data.length; i++) {
      const c = layer.outAxis === 0 ? Math.floor(i / perChannel) : i % channels;
      data[i] = w.data[i]! * scale[c]!;
    }
    const weight = floatTensor(namer.fresh(`${node.name}.weight_corrected`), w.dims, data);
    added.push(weight);
    inputs[1] = weight.name;
  }
  const nodes = model.graph.nodes.map((n) => (n === node ? { ...n, inputs } : n));
  const used = new Set(nodes.flatMap((n) => n.inputs));
  const replaced = new Set([layer.bias?.name, layer.weight.name]);
  const initializers = [...model.graph.initializers.filter((t) => !replaced.has(t.name) || used.has(t.name)), ...added];
  return withGraph(model, { nodes, initializers });
}
