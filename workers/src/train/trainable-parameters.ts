import { WorkersError } from '../errors.js';
import { DataType, type Model } from '../onnx/model.js';
import { topologicalOrder } from '../onnx/topological-order.js';

/** Which layers train: all, or the last k parametric layers (Conv, Gemm, MatMul) and what follows them. */
export type LayerSelection = 'all' | { readonly last: number };

const LAYERS = new Set(['Conv', 'Gemm', 'MatMul']);
const WEIGHTED = new Set(['Conv', 'Gemm', 'MatMul', 'Add', 'Mul']);

/**
 * The float initializers that train under a selection: every float operand of Conv, Gemm, MatMul,
 * Add and Mul, and BatchNormalization's scale and bias (not its running statistics), in nodes from
 * the first selected layer on. With `{ last: k }` the selected layers are the last k parametric
 * layers in execution order; everything before the first of them is frozen.
 */
export function trainableParameters(model: Model, selection: LayerSelection): string[] {
  const order = topologicalOrder(model.graph);
  const floats = new Set(model.graph.initializers.filter((t) => t.dataType === DataType.FLOAT || t.dataType === DataType.DOUBLE).map((t) => t.name));
  let start = 0;
  if (selection !== 'all') {
    const layers = order.flatMap((n, i) => (LAYERS.has(n.opType) && n.inputs.some((x) => floats.has(x)) ? [i] : []));
    const k = selection.last;
    if (!Number.isInteger(k) || k < 1 || k > layers.length) {
      throw new WorkersError('BAD_ARGUMENT', `layers.last must be an integer in [1, ${layers.length}], got ${k}`);
    }
    start = layers[layers.length - k]!;
  }
  const names: string[] = [];
  const seen = new Set<string>();
  for (const node of order.slice(start)) {
    const slots = node.opType === 'BatchNormalization' ? [1, 2] : WEIGHTED.has(node.opType) ? node.inputs.map((_, i) => i) : [];
    for (const i of slots) {
      const name = node.inputs[i];
      if (name && floats.has(name) && !seen.has(name)) {
        seen.add(name);
        names.push(name);
      }
    }
  }
  return names;
}
