import { intAttr } from './attributes.js';
import type { Model, Node } from './model.js';
import type { Technique } from './ops/op-spec.js';
import type { InferredShapes } from './shape-inference.js';

const PARAMETRIC = new Set(['Conv', 'Gemm', 'MatMul']);

/**
 * Which techniques can touch each node (by node name):
 * - Conv/Gemm/MatMul with a constant weight: unstructured pruning, weight quantization,
 *   distillation; low-rank where the weight has rank > 1 to give up (not for depthwise/grouped
 *   convs); channel pruning unless the layer produces the model's output (the classifier);
 * - BatchNormalization: distillation (its scale and shift train) and channel pruning (it follows
 *   the channels of the layer before it);
 * - Conv/Gemm/MatMul/Add/Mul/pools: activation quantization (static int8 QDQ).
 */
export function coverage(model: Model, shapes: InferredShapes): Map<string, Technique[]> {
  const outputLayers = classifierLayers(model);
  const result = new Map<string, Technique[]>();
  for (const node of shapes.order) {
    const t: Technique[] = [];
    const weight = PARAMETRIC.has(node.opType) ? shapes.constants.get(node.inputs[1] ?? '') : undefined;
    if (weight) {
      const dims = weight.dims;
      const grouped = node.opType === 'Conv' && intAttr(node, 'group', 1) !== 1;
      const minSide = node.opType === 'Conv' ? Math.min(dims[0]!, dims[1]! * dims[2]! * dims[3]!) : Math.min(...dims.slice(-2));
      if (!grouped && minSide > 1) t.push('lowRank');
      t.push('prune');
      if (!outputLayers.has(node.name) && node.opType !== 'MatMul') t.push('pruneChannel');
      t.push('distill', 'quantWeights', 'quantActivations');
    } else if (node.opType === 'BatchNormalization') {
      t.push('distill', 'pruneChannel');
    } else if (['Add', 'Mul', 'MaxPool', 'AveragePool', 'GlobalAveragePool'].includes(node.opType)) {
      t.push('quantActivations');
    }
    result.set(node.name, t);
  }
  return result;
}

/** Parametric layers whose output reaches a graph output through parameter-free ops only. */
export function classifierLayers(model: Model): Set<string> {
  const producer = new Map<string, Node>();
  for (const n of model.graph.nodes) for (const o of n.outputs) producer.set(o, n);
  const found = new Set<string>();
  const seen = new Set<string>();
  const stack = model.graph.outputs.map((o) => o.name);
  while (stack.length > 0) {
    const value = stack.pop()!;
    const node = producer.get(value);
    if (!node || seen.has(node.name)) continue;
    seen.add(node.name);
    if (PARAMETRIC.has(node.opType)) {
      found.add(node.name);
      continue;
    }
    stack.push(...node.inputs.filter((i) => i !== ''));
  }
  return found;
}
