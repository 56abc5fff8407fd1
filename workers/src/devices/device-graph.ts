import { DataType, realInputs, type Model, type Node } from '../onnx/model.js';
import type { TensorInfo } from '../onnx/ops/op-spec.js';
import { inferShapes, type InferredShapes } from '../onnx/shape-inference.js';
import { elementCount } from '../onnx/tensor.js';
import type { DeviceSpec, Precision } from './device-spec.js';
import { COMPUTE_OPS, GraphRoles } from './graph-roles.js';
import { buildLayer, layerKind, type DeviceLayer, type LayerParts } from './layer-parts.js';
import { modelWeights, type ModelWeight } from './model-weights.js';

export type { DeviceLayer } from './layer-parts.js';

/** A model as a device runtime executes it: fused layers in execution order, and its weights. */
export interface DeviceGraph {
  readonly layers: readonly DeviceLayer[];
  /** Element type and shape of every activation value at run time (int8 where quantized). */
  readonly values: ReadonlyMap<string, TensorInfo>;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly weights: readonly ModelWeight[];
  readonly macs: number;
  readonly weightDecoding: WeightDecoding;
}

/**
 * How a float layer gets the values of integer-coded weights (weight-only quantization):
 * `copy` — a DequantizeLinear layer writes a float copy just before it (onnxruntime; runtimes
 * that load weights into RAM); `in-kernel` — the layer decodes the codes as it streams them from
 * flash, with no copy (STM32Cube.AI compressed weights; runtimes executing weights in place).
 */
export type WeightDecoding = 'copy' | 'in-kernel';

export interface DeviceGraphOptions {
  /** Bits per value of weights stored in a wider container (overrides the model metadata). */
  readonly weightBits?: Readonly<Record<string, number>>;
  /** Default `copy`; `deviceGraphFor` picks it from the device. */
  readonly weightDecoding?: WeightDecoding;
}

/** Elementwise ops that absorb a following Relu/Clip, as Conv/Gemm/MatMul do. */
const FUSES_ACTIVATION: ReadonlySet<string> = new Set(['Add', 'Sub', 'Mul']);

interface Group {
  readonly main: Node;
  readonly chain: readonly Node[];
  readonly out: string;
  readonly int8: boolean;
}

/**
 * Lowers a model to the layers a device runtime executes, at batch 1. The fusions are the ones
 * TFLite, CMSIS-NN/STM32Cube.AI and onnxruntime all perform:
 *
 * - Conv/Gemm/MatMul absorb a following bias Add (MatMul), BatchNormalization (Conv) and
 *   Relu/Clip when they are the sole reader; Add/Sub/Mul absorb a Relu/Clip; any layer absorbs a sole following QuantizeLinear
 *   and then writes int8.
 * - A layer executes in int8 when every activation it reads comes from DequantizeLinear and
 *   either it is a Conv/Gemm/MatMul whose weight is integer codes through DequantizeLinear (its
 *   output may stay float: dequantized in the kernel's epilogue, as classifier logits are) or its
 *   output is quantized — the QDQ pattern. The DequantizeLinear nodes feeding only int8 layers
 *   disappear; any other is a `quantize` layer.
 * - A float layer reading integer weight codes (weight-only quantization) either runs a
 *   `quantize` layer that dequantizes the weight just before it, the float copy being a transient
 *   activation (`weightDecoding: 'copy'`), or decodes the codes itself, one operation per weight
 *   element added to its work (`'in-kernel'`).
 * - Reshape, Flatten, Identity and Dropout are views: no layer, no bytes.
 */
export function deviceGraph(model: Model, options: DeviceGraphOptions = {}): DeviceGraph {
  const weightDecoding = options.weightDecoding ?? 'copy';
  const inKernel = weightDecoding === 'in-kernel';
  const shapes = inferShapes(model, { batch: 1 });
  const roles = new GraphRoles(model, shapes);
  const weights = modelWeights(model, shapes, options.weightBits);
  const weightBytes = new Map(weights.map((w) => [w.name, w]));
  const groups = formGroups(roles);
  const groupOfNode = new Map<Node, Group>();
  for (const g of groups) for (const n of g.chain) groupOfNode.set(n, g);

  // An activation DequantizeLinear disappears when only int8 layers read it — directly, or through
  // a QuantizeLinear that undoes it and the DequantizeLinear nodes after that.
  const dequantizeFused = (dq: Node): boolean => {
    const readers = roles.deepConsumers(dq.outputs[0]!);
    return (
      readers.length > 0 &&
      readers.every((r) => {
        if (r === undefined) return false;
        if (groupOfNode.get(r)?.int8 === true) return true;
        const next = roles.isIdentity(r) ? roles.deepConsumers(r.outputs[0]!) : [];
        return next.length > 0 && next.every((c) => c?.opType === 'DequantizeLinear' && dequantizeFused(c));
      })
    );
  };
  const layers: DeviceLayer[] = [];
  const emittedDq = new Set<Node>();
  const emit = (parts: LayerParts): void => {
    layers.push(buildLayer(parts, shapes, weightBytes));
  };
  for (const node of shapes.order) {
    const group = groupOfNode.get(node);
    if (group?.main === node) {
      for (const dq of inKernel ? [] : weightDequantizers(group, roles)) {
        if (emittedDq.has(dq)) continue;
        emittedDq.add(dq);
        emit({ name: dq.name, kind: 'quantize', precision: 'fp32', nodes: [dq], inputs: [], outputs: [dq.outputs[0]!], weights: constantsOf([dq], roles) });
      }
      emit(groupParts(group, roles, shapes, inKernel));
    } else if (!group && node.opType === 'DequantizeLinear' && !roles.isStructural(node)) {
      if (!dequantizeFused(node)) {
        emit({ name: node.name, kind: 'quantize', precision: 'int8', nodes: [node], inputs: [roles.resolve(node.inputs[0]!)], outputs: [node.outputs[0]!], weights: constantsOf([node], roles) });
      }
    }
  }
  const io = (names: readonly string[]) => names.map((n) => roles.resolve(n)).filter((n) => !roles.isWeight(n));
  return {
    layers,
    values: shapes.values,
    inputs: io(realInputs(model.graph).map((i) => i.name)),
    outputs: io(model.graph.outputs.map((o) => o.name)),
    weights,
    macs: layers.reduce((s, l) => s + l.macs, 0),
    weightDecoding,
  };
}

/**
 * `deviceGraph` as a device's runtime executes the model: weights executing in place from flash
 * are decoded in the kernels (no float copy in RAM), weights loaded into RAM are dequantized into
 * a copy. Memory and latency of a device should be computed on the graph lowered for it.
 */
export function deviceGraphFor(model: Model, device: DeviceSpec, options: Omit<DeviceGraphOptions, 'weightDecoding'> = {}): DeviceGraph {
  return deviceGraph(model, { ...options, weightDecoding: device.weightsInRam ? 'copy' : 'in-kernel' });
}

/** Groups every executed node (not a view, a Constant or a DequantizeLinear) with what it absorbs. */
function formGroups(roles: GraphRoles): Group[] {
  const absorbed = new Set<Node>();
  const groups: Group[] = [];
  for (const main of roles.shapes.order) {
    if (absorbed.has(main) || roles.isStructural(main) || main.opType === 'DequantizeLinear') continue;
    const chain = [main];
    let out = main.outputs[0]!;
    const take = (accept: (c: Node) => boolean): boolean => {
      const c = roles.soleConsumer(out);
      if (!c || !accept(c)) return false;
      chain.push(c);
      absorbed.add(c);
      out = c.outputs[0]!;
      return true;
    };
    if (COMPUTE_OPS.has(main.opType)) {
      if (main.opType === 'MatMul') take((c) => c.opType === 'Add' && c.inputs.some((i) => i !== out && roles.isWeight(i)));
      if (main.opType === 'Conv') take((c) => c.opType === 'BatchNormalization');
    }
    // TFLite and CMSIS-NN fuse an activation into arithmetic ops too (the residual Add → Relu); in
    // a QDQ model the pair then sits between one DQ and one Q and runs in int8.
    if (COMPUTE_OPS.has(main.opType) || FUSES_ACTIVATION.has(main.opType)) take((c) => c.opType === 'Relu' || c.opType === 'Clip');
    const quantizedOut = main.opType !== 'QuantizeLinear' && take((c) => c.opType === 'QuantizeLinear');
    const activations = main.inputs.filter((i) => i !== '' && !roles.isWeight(i));
    // Conv/Gemm/MatMul on int8 codes may dequantize their result in the epilogue (a float output,
    // as classifier logits are); other ops are int8 only between a DequantizeLinear and a Quantize.
    const int8 =
      main.opType === 'QuantizeLinear' ||
      (activations.length > 0 &&
        activations.every((i) => roles.quantizedSource(i) !== undefined) &&
        (COMPUTE_OPS.has(main.opType) ? roles.isIntegerWeight(main.inputs[1] ?? '') : quantizedOut));
    groups.push({ main, chain, out, int8 });
  }
  return groups;
}

/** Dequantizers of integer weights a float group reads (an int8 group reads the codes directly). */
function weightDequantizers(group: Group, roles: GraphRoles): Node[] {
  if (group.int8) return [];
  const out: Node[] = [];
  for (const n of group.chain) {
    for (const i of n.inputs) {
      const dq = i === '' ? undefined : roles.weightDequantizer(i);
      if (dq && !out.includes(dq)) out.push(dq);
    }
  }
  return out;
}

function groupParts(group: Group, roles: GraphRoles, shapes: InferredShapes, inKernel: boolean): LayerParts {
  const produced = new Set(group.chain.flatMap((n) => n.outputs));
  const inputs: string[] = [];
  const weights = new Set<string>();
  let decodeWork = 0;
  const decoders: Node[] = [];
  for (const n of group.chain) {
    for (const i of n.inputs) {
      if (i === '' || produced.has(i)) continue;
      const dq = roles.weightDequantizer(i);
      if (dq && !group.int8 && inKernel) {
        for (const c of constantsOf([dq], roles)) weights.add(c); // streamed as codes, decoded in the loop
        decodeWork += elementCount(shapes.values.get(dq.outputs[0]!)!.dims);
        decoders.push(dq);
      } else if (dq && !group.int8) {
        inputs.push(dq.outputs[0]!); // the float copy its `quantize` layer made just before
      } else if (dq) {
        for (const c of constantsOf([dq], roles)) weights.add(c); // codes, scale, zero point
      } else if (roles.isWeight(i)) {
        weights.add(roles.weightTensor(i)!);
      } else {
        const source = group.int8 ? roles.quantizedSource(i) : undefined;
        // An int8 layer reads the codes behind a DequantizeLinear, and that node's scale and zero point.
        if (source !== undefined) for (const c of constantsOf([roles.producer.get(roles.resolve(i))!], roles)) weights.add(c);
        inputs.push(source ?? roles.resolve(i));
      }
    }
  }
  const main = group.main;
  const elemType = shapes.values.get(main.outputs[0]!)?.elemType;
  const precision: Precision = group.int8 ? 'int8' : elemType === DataType.FLOAT16 ? 'fp16' : 'fp32';
  return { name: main.name, kind: layerKind(main, shapes), precision, nodes: [...decoders, ...group.chain], inputs: [...new Set(inputs)], outputs: [group.out], weights: [...weights], decodeWork };
}

/** Constant tensors (initializers, Constant outputs) the nodes read directly. */
function constantsOf(nodes: readonly Node[], roles: GraphRoles): string[] {
  const out = new Set<string>();
  for (const n of nodes) for (const i of n.inputs) if (roles.shapes.constants.has(i)) out.add(i);
  return [...out];
}

