import { WorkersError } from '../../errors.js';
import { intAttr } from '../../onnx/attributes.js';
import { DataType, type FloatTensor, type Model, type Node, type Tensor } from '../../onnx/model.js';
import { topologicalOrder } from '../../onnx/topological-order.js';

/** A Conv, Gemm or MatMul whose weight is a float32 initializer. */
export interface WeightLayer {
  readonly node: Node;
  readonly kind: 'Conv' | 'Gemm' | 'MatMul';
  readonly weight: FloatTensor;
  /** Weight axis indexing the layer's output channels (Conv 0, Gemm 0 or 1 by transB, MatMul 1). */
  readonly outAxis: number;
  /** Weight axis indexing its input channels or features. */
  readonly inAxis: number;
  /** Conv `group` (1 for Gemm/MatMul). */
  readonly group: number;
  /** The bias initializer (Conv input 2, Gemm C), when there is one. */
  readonly bias?: Tensor;
}

function floatInit(inits: ReadonlyMap<string, Tensor>, name: string | undefined): FloatTensor | undefined {
  const t = name ? inits.get(name) : undefined;
  return t && t.dataType === DataType.FLOAT ? (t as FloatTensor) : undefined;
}

/** Describes a node as a weight layer, or undefined when it is not one Frontier can compress. */
export function weightLayer(node: Node, inits: ReadonlyMap<string, Tensor>): WeightLayer | undefined {
  const weight = floatInit(inits, node.inputs[1]);
  if (!weight || node.domain !== '' || floatInit(inits, node.inputs[0])) return undefined;
  const bias = node.inputs[2] ? inits.get(node.inputs[2]) : undefined;
  const withBias = bias ? { bias } : {};
  switch (node.opType) {
    case 'Conv':
      if (weight.dims.length !== 4) return undefined;
      return { node, kind: 'Conv', weight, outAxis: 0, inAxis: 1, group: intAttr(node, 'group', 1), ...withBias };
    case 'Gemm': {
      if (weight.dims.length !== 2 || intAttr(node, 'transA', 0) !== 0) return undefined;
      const transB = intAttr(node, 'transB', 0) === 1;
      return { node, kind: 'Gemm', weight, outAxis: transB ? 0 : 1, inAxis: transB ? 1 : 0, group: 1, ...withBias };
    }
    case 'MatMul':
      if (weight.dims.length !== 2) return undefined;
      return { node, kind: 'MatMul', weight, outAxis: 1, inAxis: 0, group: 1 };
    default:
      return undefined;
  }
}

/** A layer's bias as one float per output channel (a scalar or [1] Gemm C broadcast; zeros when absent). */
export function layerBias(layer: WeightLayer, channels: number): Float32Array {
  const { bias, node } = layer;
  if (!bias) return new Float32Array(channels);
  const data = bias.data as Float32Array;
  if (!(data instanceof Float32Array)) throw new WorkersError('BAD_MODEL', `the bias of node "${node.name}" is not float32`);
  if (data.length === channels) return Float32Array.from(data);
  if (data.length === 1) return new Float32Array(channels).fill(data[0]!);
  throw new WorkersError('BAD_MODEL', `the bias of node "${node.name}" has ${data.length} values for ${channels} output channels`);
}

/** Every weight layer of a model, in file order. */
export function weightLayers(model: Model): WeightLayer[] {
  const inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
  return model.graph.nodes.map((n) => weightLayer(n, inits)).filter((l): l is WeightLayer => l !== undefined);
}

/** Ops that pass their input through unchanged in value (only reshaped). */
const PASS_THROUGH = new Set(['Flatten', 'Reshape', 'Identity', 'Dropout']);

/**
 * Weight layers that read a graph input (directly or through Flatten/Reshape/Identity/Dropout):
 * the first layers of the network, whose few weights per filter make them the most sensitive to
 * low-bit quantization.
 */
export function inputLayers(model: Model): Set<Node> {
  const graphInputs = new Set(model.graph.inputs.map((i) => i.name));
  const fromInput = new Set(graphInputs);
  const found = new Set<Node>();
  const inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
  for (const node of topologicalOrder(model.graph)) {
    if (!fromInput.has(node.inputs[0] ?? '')) continue;
    if (PASS_THROUGH.has(node.opType)) node.outputs.forEach((o) => fromInput.add(o));
    else if (weightLayer(node, inits)) found.add(node);
  }
  return found;
}
