import { intAttr, intsAttr } from '../onnx/attributes.js';
import type { Node } from '../onnx/model.js';
import { OP_SPECS } from '../onnx/ops/registry.js';
import type { InferredShapes } from '../onnx/shape-inference.js';
import { bitsPerElement, elementCount } from '../onnx/tensor.js';
import type { LayerKind, Precision } from './device-spec.js';
import type { ModelWeight } from './model-weights.js';

/** One operator as a device runtime executes it, after fusion. */
export interface DeviceLayer {
  /** Name of the main ONNX node (a weight dequantizer: that DequantizeLinear). */
  readonly name: string;
  readonly kind: LayerKind;
  readonly precision: Precision;
  /** The ONNX nodes this layer executes. */
  readonly nodes: readonly string[];
  readonly macs: number;
  /**
   * MACs of a depthwise layer's output positions whose window overlaps the padding: depthwise
   * kernels run those on a bounds-checked path (an im2col convolution zero-fills its buffer
   * instead), which makes small feature maps cost more per MAC.
   */
  readonly borderMacs: number;
  /**
   * MACs of a convolution with fewer than 4 input channels per group (the first layer of an image
   * or audio network): too few channels to pair or quad them in SIMD multiply-accumulates. Such a
   * layer is costed as `narrow`, not `conv`.
   */
  readonly narrowMacs: number;
  /** MACs; for layers without products, one operation per window element (pools) or output element. */
  readonly work: number;
  /** Activation bytes read and written. */
  readonly activationBytes: number;
  /** Weight bytes read where weights execute in place: their deploy size (packed, bitmap-sparse). */
  readonly weightBytes: number;
  /** Weight bytes read where weights were loaded into RAM: dense, packed at their width. */
  readonly denseWeightBytes: number;
  /** Activation values read and written, by their run-time names. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/** What `deviceGraph` decided about one layer, before its costs are counted. */
export interface LayerParts {
  readonly name: string;
  readonly kind: LayerKind;
  readonly precision: Precision;
  readonly nodes: readonly Node[];
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly weights: readonly string[];
  /** Operations beyond the layer's own: decoding weight codes in the kernel. */
  readonly decodeWork?: number;
}

/** The operator family of a layer, from its main node. */
export function layerKind(node: Node, shapes: InferredShapes): LayerKind {
  switch (node.opType) {
    case 'Conv': {
      const group = intAttr(node, 'group', 1);
      const channels = shapes.values.get(node.inputs[0]!)?.dims[1];
      if (group > 1 && group === channels) return 'depthwise';
      const kernel = shapes.values.get(node.inputs[1]!)?.dims.slice(2) ?? [];
      return group === 1 && kernel.every((k) => k === 1) ? 'pointwise' : 'conv';
    }
    case 'Gemm':
    case 'MatMul':
      return 'dense';
    case 'MaxPool':
    case 'AveragePool':
    case 'GlobalAveragePool':
      return 'pool';
    case 'Softmax':
      return 'softmax';
    case 'QuantizeLinear':
    case 'DequantizeLinear':
      return 'quantize';
    default:
      return 'elementwise';
  }
}

/** A layer with its MACs, work and bytes counted. */
export function buildLayer(parts: LayerParts, shapes: InferredShapes, weightBytes: ReadonlyMap<string, ModelWeight>): DeviceLayer {
  const bytes = (v: string): number => {
    const info = shapes.values.get(v)!;
    return Math.ceil((elementCount(info.dims) * bitsPerElement(info.elemType)) / 8);
  };
  const activations = [...new Set([...parts.inputs, ...parts.outputs])];
  const macs = parts.nodes.reduce((s, n) => s + nodeMacs(n, shapes), 0);
  return {
    name: parts.name,
    kind: parts.kind,
    precision: parts.precision,
    nodes: parts.nodes.map((n) => n.name),
    macs,
    borderMacs: parts.kind === 'depthwise' ? Math.round(parts.nodes.reduce((s, n) => s + (n.opType === 'Conv' ? nodeMacs(n, shapes) * borderShare(n, shapes) : 0), 0)) : 0,
    narrowMacs: parts.kind === 'conv' && narrowInput(parts.nodes[0]!, shapes) ? macs : 0,
    work: (macs > 0 ? macs : elementWork(parts, shapes)) + (parts.decodeWork ?? 0),
    activationBytes: activations.reduce((s, v) => s + bytes(v), 0),
    weightBytes: parts.weights.reduce((s, w) => s + (weightBytes.get(w)?.bytes ?? 0), 0),
    denseWeightBytes: parts.weights.reduce((s, w) => s + (weightBytes.get(w)?.denseBytes ?? 0), 0),
    inputs: parts.inputs,
    outputs: parts.outputs,
  };
}

/** Operations of a layer without products: window elements for pools, else output elements. */
function elementWork(parts: LayerParts, shapes: InferredShapes): number {
  const main = parts.nodes[0]!;
  const outElements = elementCount(shapes.values.get(main.outputs[0]!)!.dims);
  if (main.opType === 'GlobalAveragePool') return elementCount(shapes.values.get(main.inputs[0]!)!.dims);
  if (main.opType === 'MaxPool' || main.opType === 'AveragePool') {
    const kernel = intsAttr(main, 'kernel_shape', []) ?? [];
    return outElements * kernel.reduce((a, b) => a * b, 1);
  }
  return outElements;
}

function nodeMacs(node: Node, shapes: InferredShapes): number {
  const spec = OP_SPECS.get(node.opType)!;
  const inputs = node.inputs.map((n) => (n === '' ? undefined : shapes.values.get(n)));
  const outputs = node.outputs.filter((o) => o !== '').map((o) => shapes.values.get(o)!);
  const ctx = { node, opset: 0, inputs, constant: (i: number) => shapes.constants.get(node.inputs[i] ?? '') };
  return spec.macs(ctx, outputs);
}

/**
 * Share of a 2-D Conv's output positions whose receptive window reaches into the padding, per
 * axis o·stride − padBegin < 0 or o·stride − padBegin + (k − 1)·dilation > size − 1. Explicit pads
 * only (auto_pad layers count as interior).
 */
function borderShare(node: Node, shapes: InferredShapes): number {
  const input = shapes.values.get(node.inputs[0]!)?.dims;
  const output = shapes.values.get(node.outputs[0]!)?.dims;
  const kernel = shapes.values.get(node.inputs[1]!)?.dims.slice(2);
  if (!input || !output || !kernel || kernel.length !== 2) return 0;
  const pads = intsAttr(node, 'pads', []) ?? [];
  const strides = intsAttr(node, 'strides', []) ?? [];
  const dilations = intsAttr(node, 'dilations', []) ?? [];
  let interior = 1;
  let total = 1;
  for (let a = 0; a < 2; a++) {
    const size = input[2 + a]!;
    const out = output[2 + a]!;
    const s = strides[a] ?? 1;
    const begin = pads[a] ?? 0;
    const reach = ((kernel[a] ?? 1) - 1) * (dilations[a] ?? 1);
    let inside = 0;
    for (let o = 0; o < out; o++) if (o * s - begin >= 0 && o * s - begin + reach <= size - 1) inside++;
    interior *= inside;
    total *= out;
  }
  return total > 0 ? 1 - interior / total : 0;
}

/** A Conv reading fewer than 4 channels per group. */
function narrowInput(node: Node, shapes: InferredShapes): boolean {
  const cin = shapes.values.get(node.inputs[1] ?? '')?.dims[1];
  return node.opType === 'Conv' && cin !== undefined && cin < 4;
}
