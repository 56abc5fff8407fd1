import type { Model, Node, Tensor } from './model.js';
import { DataType } from './model.js';
import type { Technique, TensorInfo } from './ops/op-spec.js';
import { OP_SPECS } from './ops/registry.js';
import { inferShapes, type InferredShapes } from './shape-inference.js';
import { activationPeak } from './liveness.js';
import { coverage } from './coverage.js';
import { tensorBytes } from './tensor.js';

/** Per-node figures of the analysis. */
export interface NodeAnalysis {
  readonly name: string;
  readonly opType: string;
  readonly outputs: readonly TensorInfo[];
  readonly macs: number;
  /** Weight elements this node reads (see `ModelAnalysis.params`). */
  readonly params: number;
  /** Techniques that can touch this node. */
  readonly techniques: readonly Technique[];
}

/** Static figures of a model at batch 1 (one image). */
export interface ModelAnalysis {
  readonly inputs: readonly { name: string; elemType: DataType; dims: readonly number[] }[];
  readonly outputs: readonly { name: string; elemType: DataType; dims: readonly number[] }[];
  readonly nodes: readonly NodeAnalysis[];
  /**
   * Weight elements: every initializer or Constant except integer shape/axis tensors and the
   * scale/zero-point inputs of QuantizeLinear/DequantizeLinear.
   */
  readonly params: number;
  /** Weight elements that are not zero. */
  readonly nonzeroParams: number;
  /** Bytes the weights occupy as stored (4-bit weights packed). */
  readonly weightBytes: number;
  /** Multiply-accumulates of Conv, Gemm and MatMul for one image. */
  readonly macs: number;
  /** Peak live activation bytes for one image. */
  readonly peakActivationBytes: number;
  readonly peakActivationNode: string;
}

/** Shapes, MACs, parameters, activation peak and op coverage of a model, for one image. */
export function analyzeModel(model: Model): ModelAnalysis {
  const shapes = inferShapes(model, { batch: 1 });
  const weights = weightTensors(model, shapes);
  const techniques = coverage(model, shapes);
  const nodes = shapes.order.map((node): NodeAnalysis => {
    const spec = OP_SPECS.get(node.opType)!;
    const inputs = node.inputs.map((n) => (n === '' ? undefined : shapes.values.get(n)));
    const outputs = node.outputs.filter((o) => o !== '').map((o) => shapes.values.get(o)!);
    const ctx = { node, opset: 0, inputs, constant: (i: number) => shapes.constants.get(node.inputs[i] ?? '') };
    let params = 0;
    for (const input of node.inputs) params += weights.get(input)?.data.length ?? 0;
    return { name: node.name, opType: node.opType, outputs, macs: spec.macs(ctx, outputs), params, techniques: techniques.get(node.name) ?? [] };
  });
  let params = 0;
  let nonzero = 0;
  let weightBytes = 0;
  for (const t of weights.values()) {
    params += t.data.length;
    weightBytes += tensorBytes(t);
    for (let i = 0; i < t.data.length; i++) if (Number(t.data[i]) !== 0) nonzero++;
  }
  const peak = activationPeak(model.graph, shapes);
  const io = (name: string) => ({ name, ...shapes.values.get(name)! });
  return {
    inputs: model.graph.inputs.filter((i) => !shapes.constants.has(i.name)).map((i) => io(i.name)),
    outputs: model.graph.outputs.map((o) => io(o.name)),
    nodes,
    params,
    nonzeroParams: nonzero,
    weightBytes,
    macs: nodes.reduce((s, n) => s + n.macs, 0),
    peakActivationBytes: peak.peakBytes,
    peakActivationNode: peak.peakNode,
  };
}

function weightTensors(model: Model, shapes: InferredShapes): Map<string, Tensor> {
  const quantParams = new Set<string>();
  for (const node of model.graph.nodes) {
    if (isQuantNode(node)) {
      quantParams.add(node.inputs[1] ?? '');
      quantParams.add(node.inputs[2] ?? '');
    }
  }
  const out = new Map<string, Tensor>();
  for (const [name, t] of shapes.constants) {
    if (quantParams.has(name) || t.dataType === DataType.INT64 || t.dataType === DataType.INT32) continue;
    if (t.dataType === DataType.STRING) continue;
    out.set(name, t);
  }
  return out;
}

function isQuantNode(node: Node): boolean {
  return node.opType === 'QuantizeLinear' || node.opType === 'DequantizeLinear';
}
