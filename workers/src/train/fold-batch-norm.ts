import { floatAttr as readFloat, intAttr } from '../onnx/attributes.js';
import type { Model, Node, Tensor } from '../onnx/model.js';
import { asFloat, floatTensor } from '../onnx/tensor.js';

/**
 * Folds every BatchNormalization that directly follows a Conv (or a Gemm with α = β = 1) into
 * that layer, for deployment: with s = γ/√(var + ε) per output channel,
 *   w' = w·s,  b' = (b − μ)·s + β.
 * A BN whose input comes from anything else, or from a layer whose output is also read elsewhere,
 * is kept. The folded model computes the same logits up to float rounding.
 */
export function foldBatchNorm(model: Model): Model {
  const g = model.graph;
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const readers = new Map<string, number>();
  for (const n of g.nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  for (const o of g.outputs) readers.set(o.name, (readers.get(o.name) ?? 0) + 1);
  const producer = new Map(g.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  const replaced = new Map<Node, Node>();
  const dropped = new Set<Node>();
  const tensors = new Map<string, Tensor>();
  for (const bn of g.nodes) {
    if (bn.opType !== 'BatchNormalization') continue;
    const layer = producer.get(bn.inputs[0]!);
    if (!layer || readers.get(bn.inputs[0]!) !== 1 || replaced.has(layer)) continue;
    const folded = foldInto(layer, bn, inits, (name) => readers.get(name) === 1);
    if (!folded) continue;
    replaced.set(layer, { ...layer, inputs: [layer.inputs[0]!, folded.weight.name, folded.bias.name], outputs: [bn.outputs[0]!] });
    dropped.add(bn);
    tensors.set(folded.weight.name, folded.weight);
    tensors.set(folded.bias.name, folded.bias);
  }
  const nodes = g.nodes.filter((n) => !dropped.has(n)).map((n) => replaced.get(n) ?? n);
  const used = new Set(nodes.flatMap((n) => n.inputs));
  const initializers = [...g.initializers.map((t) => tensors.get(t.name) ?? t), ...[...tensors.values()].filter((t) => !inits.has(t.name))].filter((t) => used.has(t.name));
  return { ...model, graph: { ...g, nodes, initializers } };
}

/** The folded weight and bias; they keep their names unless another node also reads them. */
function foldInto(layer: Node, bn: Node, inits: Map<string, Tensor>, ownedByLayer: (name: string) => boolean): { weight: Tensor; bias: Tensor } | undefined {
  const w = inits.get(layer.inputs[1] ?? '');
  const b = layer.inputs[2] ? inits.get(layer.inputs[2]) : undefined;
  const stats = bn.inputs.slice(1, 5).map((n) => inits.get(n));
  if (!w || (layer.inputs[2] && !b) || stats.some((t) => !t)) return undefined;
  let channelAxis: number;
  if (layer.opType === 'Conv') channelAxis = 0;
  else if (layer.opType === 'Gemm' && readFloat(layer, 'alpha', 1) === 1 && readFloat(layer, 'beta', 1) === 1 && intAttr(layer, 'transA', 0) === 0) {
    channelAxis = intAttr(layer, 'transB', 0) === 1 ? 0 : 1;
    if (b && b.dims.length !== 1) return undefined;
  } else return undefined;
  const [gamma, beta, mean, variance] = stats.map((t) => asFloat(t!).data) as [Float32Array, Float32Array, Float32Array, Float32Array];
  const eps = readFloat(bn, 'epsilon', 1e-5);
  const channels = w.dims[channelAxis]!;
  const scale = Float64Array.from({ length: channels }, (_, c) => gamma[c]! / Math.sqrt(variance[c]! + eps));
  const wd = asFloat(w).data;
  const out = new Float32Array(wd.length);
  const inner = channelAxis === 0 ? wd.length / channels : 1;
  for (let i = 0; i < wd.length; i++) {
    const c = channelAxis === 0 ? Math.floor(i / inner) : i % channels;
    out[i] = wd[i]! * scale[c]!;
  }
  const bd = b ? asFloat(b).data : new Float32Array(channels);
  const bias = Float32Array.from({ length: channels }, (_, c) => (bd[c]! - mean[c]!) * scale[c]! + beta[c]!);
  return {
    weight: floatTensor(ownedByLayer(w.name) ? w.name : `${w.name}:bn`, w.dims, out),
    bias: floatTensor(b && ownedByLayer(b.name) ? b.name : `${b?.name ?? layer.name}:bn_bias`, [channels], bias),
  };
}
