import { toNumbers } from '../../onnx/tensor.js';
import type { Model, Node, Tensor } from '../../onnx/model.js';
import { inferShapes } from '../../onnx/shape-inference.js';
import { consumers } from './edit.js';
import { weightLayer } from './layers.js';

/**
 * Ops onnxruntime runs on 8-bit integers when wrapped in QDQ pairs (its QDQ selectors fuse them
 * into QLinearConv, QGemm, QLinearMatMul, QLinearAdd/Mul, QLinearAveragePool,
 * QLinearGlobalAveragePool and QLinearConcat).
 */
const INTEGER_OPS = new Set(['Conv', 'Gemm', 'MatMul', 'Add', 'Mul', 'AveragePool', 'GlobalAveragePool', 'Concat']);
/** Ops that only move or select values: their output reuses the input's scale and zero point, so the QDQ pairs around them drop away. */
const SHARED_OPS = new Set(['MaxPool', 'Flatten', 'Reshape', 'Identity', 'Dropout']);

/** Which activations a static-quantized model holds as 8-bit, and how. */
export interface QdqPlan {
  /** Nodes in execution order. */
  readonly order: readonly Node[];
  /** Nodes that run on integers. */
  readonly quantized: ReadonlySet<Node>;
  /** Activations to quantize (each gets one QuantizeLinear → DequantizeLinear pair). */
  readonly values: readonly string[];
  /** Values whose scale and zero point are those of another value (outputs of shared ops). */
  readonly sharedWith: ReadonlyMap<string, string>;
  /**
   * ReLU / Clip(0, ·) nodes absorbed into the quantization of their producer's output: the
   * producer writes the activation's output directly, and the 8-bit range (zero point at code 0,
   * calibrated on the activation's output) clamps negative values exactly as the activation did.
   */
  readonly folded: ReadonlyMap<Node, Node>;
}

/** Chooses the integer ops, the activations to quantize and the activations to fold. */
export function planQdq(model: Model): QdqPlan {
  const shapes = inferShapes(model, { batch: 1 });
  const inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
  const isConstant = (v: string) => v === '' || shapes.constants.has(v);
  const readers = consumers(model.graph);
  const outputs = new Set(model.graph.outputs.map((o) => o.name));
  const quantized = new Set<Node>();
  for (const node of shapes.order) {
    if (node.domain !== '') continue;
    if (SHARED_OPS.has(node.opType) || weightLayer(node, inits)) quantized.add(node);
    else if (INTEGER_OPS.has(node.opType) && node.opType !== 'Conv' && node.opType !== 'Gemm') {
      // Activation-only ops; an Add or Mul with a constant operand stays float.
      if (!node.inputs.some((v) => v !== '' && isConstant(v))) quantized.add(node);
    }
  }
  const folded = new Map<Node, Node>();
  for (const node of quantized) {
    if (!INTEGER_OPS.has(node.opType)) continue;
    const out = node.outputs[0]!;
    const only = readers.get(out);
    if (only?.length !== 1 || outputs.has(out) || !clampsAtZero(only[0]!, inits)) continue;
    if (outputs.has(only[0]!.outputs[0]!)) continue;
    folded.set(node, only[0]!);
  }
  const written = (n: Node) => folded.get(n)?.outputs[0] ?? n.outputs[0]!;
  const values: string[] = [];
  const seen = new Set<string>();
  const sharedWith = new Map<string, string>();
  const add = (v: string) => {
    if (seen.has(v) || isConstant(v) || outputs.has(v)) return;
    values.push(v);
    seen.add(v);
  };
  for (const node of shapes.order) {
    if (!quantized.has(node)) continue;
    const activations = weightLayer(node, inits) || SHARED_OPS.has(node.opType) ? node.inputs.slice(0, 1) : node.inputs;
    activations.forEach(add);
    add(written(node));
    if (SHARED_OPS.has(node.opType) && seen.has(written(node)) && seen.has(node.inputs[0]!)) sharedWith.set(written(node), node.inputs[0]!);
  }
  return { order: shapes.order, quantized, values, sharedWith, folded };
}

/** Relu, or Clip with a constant minimum of 0. */
function clampsAtZero(node: Node, inits: ReadonlyMap<string, Tensor>): boolean {
  if (node.opType === 'Relu') return true;
  if (node.opType !== 'Clip') return false;
  const min = node.inputs[1] ? inits.get(node.inputs[1]) : undefined;
  if (min) return toNumbers(min)[0] === 0;
  const attr = node.attributes['min'];
  return attr?.type === 'float' && attr.value === 0;
}
