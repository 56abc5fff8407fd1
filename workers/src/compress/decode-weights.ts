import { intAttr } from '../onnx/attributes.js';
import type { Model, Node, Tensor } from '../onnx/model.js';
import { floatTensor, toNumbers } from '../onnx/tensor.js';
import { dropUnusedInitializers, withGraph } from './graph/edit.js';
import { channelLayout } from './math/quant-params.js';

/**
 * The model with every DequantizeLinear of a constant replaced by the float constant it computes,
 * r = s(q − z) (per axis when the scale is a vector): the parameters the codes stand for, so that
 * counts of parameters, nonzero parameters and MACs read the same before and after quantization.
 */
export function decodeWeights(model: Model): Model {
  const g = model.graph;
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const outputs = new Set(g.outputs.map((o) => o.name));
  const decoded: Tensor[] = [];
  const nodes = g.nodes.filter((n) => {
    if (n.opType !== 'DequantizeLinear' || outputs.has(n.outputs[0]!)) return true;
    const codes = inits.get(n.inputs[0]!);
    if (!codes) return true;
    decoded.push(decode(n, codes, inits));
    return false;
  });
  if (decoded.length === 0) return model;
  return withGraph(model, dropUnusedInitializers({ ...g, nodes, initializers: [...g.initializers, ...decoded] }));
}

function decode(node: Node, codes: Tensor, inits: ReadonlyMap<string, Tensor>): Tensor {
  const scale = toNumbers(inits.get(node.inputs[1]!)!);
  const zpTensor = node.inputs[2] ? inits.get(node.inputs[2]) : undefined;
  const zp = zpTensor ? toNumbers(zpTensor) : new Float64Array(scale.length);
  const rawAxis = intAttr(node, 'axis', 1);
  const axis = scale.length === 1 ? undefined : rawAxis < 0 ? rawAxis + codes.dims.length : rawAxis;
  const { channels, inner } = channelLayout(codes.dims, axis);
  const q = toNumbers(codes);
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out[i] = scale[c]! * (q[i]! - zp[c]!);
  }
  return floatTensor(node.outputs[0]!, codes.dims, out);
}
