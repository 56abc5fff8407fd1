// The reference channel pruning is checked against.
import { intAttr } from '../../onnx/attributes.js';
import type { FloatTensor, Model } from '../../onnx/model.js';
import { floatTensor } from '../../onnx/tensor.js';
import type { PrunedGroup } from '../../compress/prune-channels.js';

/**
 * The reference: the original model with the removed channels masked at every layer that reads
 * them (their input weights zeroed), so they contribute nothing — what pruning must compute.
 */
export function maskedOriginal(model: Model, groups: readonly PrunedGroup[]): Model {
  const inits = new Map(model.graph.initializers.map((t) => [t.name, t as FloatTensor]));
  const masked = new Map<string, FloatTensor>();
  for (const g of groups) {
    for (const c of g.consumers) {
      const node = model.graph.nodes.find((n) => n.name === c.node)!;
      const w = masked.get(node.inputs[1]!) ?? inits.get(node.inputs[1]!)!;
      const data = w.data.slice();
      const transposed = node.opType === 'Conv' || (node.opType === 'Gemm' && intAttr(node, 'transB', 0) === 1);
      // Input axis 1 ([out, in, …]) or 0 ([in, out]).
      const [outer, size] = transposed ? [w.dims[0]!, w.dims[1]!] : [1, w.dims[0]!];
      const inner = w.data.length / outer / size;
      for (let o = 0; o < outer; o++) {
        for (const ch of g.removed) {
          const from = (o * size + (c.offset + ch) * c.block) * inner;
          data.fill(0, from, from + c.block * inner);
        }
      }
      masked.set(w.name, floatTensor(w.name, w.dims, data));
    }
  }
  const initializers = model.graph.initializers.map((t) => masked.get(t.name) ?? t);
  return { ...model, graph: { ...model.graph, initializers } };
}
