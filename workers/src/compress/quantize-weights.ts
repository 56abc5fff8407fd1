import { WorkersError } from '../errors.js';
import { DataType, type FloatTensor, type Model, type Node, type Tensor } from '../onnx/model.js';
import { dataTypeName, floatTensor } from '../onnx/tensor.js';
import { declaredWeightBits, WEIGHT_BITS_METADATA_KEY } from '../devices/model-weights.js';
import { codeType, dequantizeNode } from './graph/dequantize-node.js';
import { dropUnusedInitializers, Namer, replaceInitializers, withGraph } from './graph/edit.js';
import { inputLayers, weightLayers, type WeightLayer } from './graph/layers.js';
import { requireOpset } from './graph/opset.js';
import { roundToHalf } from './math/half.js';
import {
  binarizeTensor,
  channelLayout,
  maxQuantizationError,
  quantizeTensor,
  quantizeValue,
  quantRange,
  type QuantizedTensor,
} from './math/quant-params.js';
import type { Dataset } from '../data/dataset.js';
import { fitLayers, type FittedLayer, type RoundingGrid } from './fit-layers.js';
import type { WeightBits } from '../recipe/recipe.js';

export interface QuantizeWeightsOptions {
  readonly bits: WeightBits;
  readonly granularity: 'per-tensor' | 'per-channel';
  readonly symmetric: boolean;
  /** Range setting per channel: 'min-max' (default) or 'mse' (see `quantizeTensor`). */
  readonly clip?: 'min-max' | 'mse';
  /**
   * Least width of the layers that read the model input (see `inputLayers`). Default 8: below 8
   * bits the first layer keeps 8-bit codes, a common practice of low-bit quantization (S. K. Esser
   * et al., "Learned Step Size Quantization", ICLR 2020, keep the first and last layers at 8 bits) —
   * its filters have so few weights (9 for a 3×3 conv on a gray image) that rounding errors do not
   * average out: on fashion-cnn, 4-bit asymmetric per-channel weights lose 3.8 points with the first
   * layer at 4 bits and 0.1 with it at 8, for 144 more bytes. Give 0 to quantize it like the rest.
   */
  readonly firstLayerBits?: number;
  /**
   * Codes already chosen for some weight tensors, by initializer name (see `roundedWeights`): used
   * as they are instead of rounding each weight to its nearest code.
   */
  readonly codes?: ReadonlyMap<string, QuantizedTensor>;
}

/** The width a layer's weights get: the recipe's, or `firstLayerBits` for a first layer below it. */
export function layerBits(bits: number, isFirstLayer: boolean, firstLayerBits = 8): number {
  return isFirstLayer && bits < firstLayerBits ? firstLayerBits : bits;
}

/** How one weight tensor was quantized. */
export interface QuantizedWeight {
  readonly weight: string;
  readonly nodes: readonly string[];
  readonly bits: number;
  /** Integer codes dequantized in the graph, or float32 holding float16 values (16 bits). */
  readonly storage: 'INT8' | 'UINT8' | 'INT4' | 'UINT4' | 'FLOAT16 in FLOAT';
  readonly scales: number;
  /** Largest |w − dequantized w|. */
  readonly maxError: number;
}

export interface QuantizeWeightsResult {
  readonly model: Model;
  readonly tensors: readonly QuantizedWeight[];
}

/**
 * The codes of one weight tensor: binary (sign · mean|w|) at 1 bit, otherwise linear b-bit codes
 * fitted to each channel's (or the whole tensor's) range: its min/max, or with clip 'mse' the range
 * of least reconstruction error (see `quantizeTensor`), which at few bits stops spending most
 * levels on rare large weights.
 */
export function weightCodes(weight: FloatTensor, options: { bits: number; symmetric: boolean; axis: number | undefined; clip?: 'min-max' | 'mse' }): QuantizedTensor {
  const layout = channelLayout(weight.dims, options.axis);
  if (options.bits === 1) return binarizeTensor(weight.data, layout);
  return quantizeTensor(weight.data, layout, quantRange(options.bits, options.symmetric), { clip: options.clip ?? 'min-max' });
}

/**
 * Weight-only quantization of every Conv/Gemm/MatMul weight (biases stay float32; activations stay
 * float): the weight becomes integer codes behind a DequantizeLinear. Layers reading the model
 * input keep at least `firstLayerBits` (default 8). 4 bits: packed INT4/UINT4
 * codes, raising the model to opset 21 and IR 10 (where ONNX defines them); 1–3 and 5–8 bits:
 * INT8 (symmetric) or UINT8 codes restricted to the b-bit range — the file holds them in a byte
 * each, and the deploy format packs them at b bits (`modelWeights` finds the width from the codes);
 * 16 bits: weights rounded to float16 and kept as float32 (the supported operator set has no Cast),
 * declared as 16-bit under the `frontier.weight_bits` metadata key; 32: unchanged. Per-channel
 * scales follow the output-channel axis (Conv 0, Gemm by transB, MatMul 1).
 */
export function quantizeWeights(model: Model, options: QuantizeWeightsOptions): QuantizeWeightsResult {
  const { bits } = options;
  if (bits === 32) return { model, tensors: [] };
  if (bits === 16) return halfPrecision(model);
  const perAxis = options.granularity === 'per-channel';
  const target = requireOpset(model, {
    opset: bits === 4 ? 21 : perAxis ? 13 : 10,
    irVersion: bits === 4 ? 10 : model.irVersion,
    purpose: `${bits}-bit ${options.granularity} weight quantization`,
  });
  const first = inputLayers(target);
  const namer = new Namer(target.graph);
  const added: Tensor[] = [];
  const dequantizers: Node[] = [];
  const renamed = new Map<string, string>();
  const tensors: QuantizedWeight[] = [];
  for (const { layer, nodes } of uniqueWeights(target)) {
    const w = layer.weight;
    const axis = perAxis ? layer.outAxis : undefined;
    const wBits = layerBits(bits, first.has(layer.node), options.firstLayerBits);
    const q = options.codes?.get(w.name) ?? weightCodes(w, { bits: wBits, symmetric: options.symmetric, axis, ...(options.clip ? { clip: options.clip } : {}) });
    const type = codeType(q, wBits === 4);
    const output = namer.fresh(`${w.name}_dequantized`);
    const dq = dequantizeNode({ name: w.name, dims: w.dims, q, axis, type, output, namer });
    dequantizers.push(dq.node);
    added.push(...dq.tensors);
    renamed.set(w.name, output);
    const storage = dataTypeName(type) as QuantizedWeight['storage'];
    tensors.push({ weight: w.name, nodes, bits: wBits, storage, scales: q.scales.length, maxError: maxQuantizationError(w.data, q) });
  }
  const nodes = target.graph.nodes.map((n) => (n.inputs.some((i) => renamed.has(i)) ? { ...n, inputs: n.inputs.map((i) => renamed.get(i) ?? i) } : n));
  const graph = dropUnusedInitializers({ ...target.graph, nodes: [...dequantizers, ...nodes], initializers: [...target.graph.initializers, ...added] });
  return { model: withGraph(target, graph), tensors };
}

/**
 * Weight codes chosen on calibration images (`quant.rounding` 'gptq'): every layer is refitted to
 * its outputs in `model` with its weights rounded one by one to the grid they would get (range by
 * `clip`, first layers at `firstLayerBits`), each rounding error absorbed by the weights after it
 * (see `fitLayers`). Returns the model with the rounded weights (and refitted biases) and their
 * codes, for `quantizeWeights` to store.
 */
export async function roundedWeights(
  model: Model,
  o: QuantizeWeightsOptions & { readonly data: Dataset; readonly count: number; readonly structureOnly?: boolean },
): Promise<{ model: Model; codes: ReadonlyMap<string, QuantizedTensor>; fitted: readonly FittedLayer[] }> {
  const first = new Set([...inputLayers(model)].map((n) => n.name));
  const perAxis = o.granularity === 'per-channel';
  const grid = (layer: WeightLayer, fitted: Float32Array): RoundingGrid => {
    const bits = layerBits(o.bits, first.has(layer.node.name), o.firstLayerBits);
    const q = weightCodes({ ...layer.weight, data: fitted }, { bits, symmetric: o.symmetric, axis: perAxis ? layer.outAxis : undefined, ...(o.clip ? { clip: o.clip } : {}) });
    const at = (channel: number) => (q.scales.length === 1 ? 0 : channel);
    return {
      q,
      // Binary codes are signs (see `binarizeTensor`); wider ones the nearest of the channel's grid.
      code: bits === 1 ? (v) => (v < 0 ? -1 : 1) : (v, channel) => quantizeValue(v, { scale: q.scales[at(channel)]!, zeroPoint: q.zeroPoints[at(channel)]! }, q.range),
    };
  };
  const r = await fitLayers(model, { original: model, data: o.data, count: o.count, grid, ...(o.structureOnly ? { structureOnly: true } : {}) });
  return { model: r.model, codes: r.codes, fitted: r.fitted };
}

/** Weights rounded to float16, declared 16-bit for the deploy format. */
function halfPrecision(model: Model): QuantizeWeightsResult {
  const replacements = new Map<string, Tensor>();
  const declared = { ...declaredWeightBits(model) };
  const tensors: QuantizedWeight[] = [];
  for (const { layer, nodes } of uniqueWeights(model)) {
    const w = layer.weight;
    const half = floatTensor(w.name, w.dims, w.data.map(roundToHalf));
    replacements.set(w.name, half);
    declared[w.name] = 16;
    tensors.push({ weight: w.name, nodes, bits: 16, storage: 'FLOAT16 in FLOAT', scales: 0, maxError: maxError(w.data, half.data) });
  }
  const metadata = { ...model.metadata, [WEIGHT_BITS_METADATA_KEY]: JSON.stringify(declared) };
  return { model: { ...withGraph(model, { initializers: replaceInitializers(model.graph, replacements) }), metadata }, tensors };
}

/** Weight layers by weight tensor (a weight shared by several nodes is quantized once). */
function uniqueWeights(model: Model): { layer: WeightLayer; nodes: string[] }[] {
  const byName = new Map<string, { layer: WeightLayer; nodes: string[] }>();
  for (const layer of weightLayers(model)) {
    const entry = byName.get(layer.weight.name);
    if (entry && entry.layer.outAxis !== layer.outAxis) {
      throw new WorkersError('BAD_MODEL', `weight "${layer.weight.name}" is read with different output axes by "${entry.nodes[0]}" and "${layer.node.name}"`);
    }
    if (entry) entry.nodes.push(layer.node.name);
    else byName.set(layer.weight.name, { layer, nodes: [layer.node.name] });
  }
  return [...byName.values()].filter((e) => e.layer.weight.dataType === DataType.FLOAT);
}

function maxError(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
