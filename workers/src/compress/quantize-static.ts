import type { Dataset } from '../data/dataset.js';
import { WorkersError } from '../errors.js';
import { floatAttr } from '../onnx/attributes.js';
import { DataType, type Model, type Node, type Tensor } from '../onnx/model.js';
import { floatTensor, makeTensor } from '../onnx/tensor.js';
import { foldBatchNorm } from '../train/fold-batch-norm.js';
import { calibrateRanges, DEFAULT_CALIBRATION_COUNT } from './calibrate.js';
import { codeType, dequantizeNode } from './graph/dequantize-node.js';
import { dropUnusedInitializers, Namer, withGraph } from './graph/edit.js';
import { inputLayers, weightLayer, type WeightLayer } from './graph/layers.js';
import { requireOpset } from './graph/opset.js';
import { planQdq, type QdqPlan } from './graph/qdq-plan.js';
import { quantRange, roundHalfEven, scaleZeroPoint, type ScaleZeroPoint } from './math/quant-params.js';
import { layerBits, weightCodes } from './quantize-weights.js';

export interface QuantizeStaticOptions {
  /** Weight codes' width, 1–8 bits, held in INT8 (symmetric) or UINT8 containers. */
  readonly weightBits: number;
  readonly granularity: 'per-tensor' | 'per-channel';
  readonly symmetric: boolean;
  /** Calibration images: a subset of the `fit` split. */
  readonly calibration: Dataset;
  /** Images used for calibration. Default 1000. */
  readonly calibrationCount?: number;
}

export interface QuantizeStaticResult {
  readonly model: Model;
  /** BatchNormalization nodes folded into the preceding layer first. */
  readonly foldedBatchNorms: readonly string[];
  /** Nodes that run on 8-bit integers. */
  readonly integerNodes: readonly string[];
  /** Activations quantized to uint8. */
  readonly activations: number;
  readonly calibration: { readonly images: number; readonly method: 'min-max' };
}

/**
 * Full static int8 quantization in onnxruntime's QDQ format: BatchNorm is folded; activations get
 * QuantizeLinear → DequantizeLinear pairs (uint8, asymmetric, min/max-calibrated on the given
 * images); weights are INT8 codes (per-channel or per-tensor) and biases INT32 codes at scale
 * s_x · s_w with zero point 0 (Jacob et al., CVPR 2018, Section 2.4), each behind a
 * DequantizeLinear. onnxruntime fuses each DQ → op → Q group into an integer kernel (QLinearConv,
 * QGemm, …). Weight widths below 8 bits use the restricted range of that width inside the 8-bit
 * container, so the integer kernels still apply; layers reading the model input keep 8 bits (see
 * `QuantizeWeightsOptions.firstLayerBits`).
 */
export async function quantizeStatic(model: Model, options: QuantizeStaticOptions): Promise<QuantizeStaticResult> {
  const bits = options.weightBits;
  if (!(Number.isInteger(bits) && bits >= 1 && bits <= 8)) {
    throw new WorkersError('BAD_RECIPE', `quant.weightBits must be an integer in [1, 8] for static quantization, got ${bits}`, { field: 'quant.weightBits', value: bits });
  }
  const base = requireOpset(model, { opset: 13, irVersion: model.irVersion, purpose: 'static int8 quantization' });
  const folded = foldBatchNorm(base);
  // Nodes the fold leaves alone keep their identity.
  const remaining = new Set(folded.graph.nodes);
  const foldedBatchNorms = base.graph.nodes.filter((n) => n.opType === 'BatchNormalization' && !remaining.has(n)).map((n) => n.name);
  const plan = planQdq(folded);
  const calibrated = plan.values.filter((v) => !plan.sharedWith.has(v));
  const count = Math.min(options.calibrationCount ?? DEFAULT_CALIBRATION_COUNT, options.calibration.count);
  const ranges = await calibrateRanges(folded, { values: calibrated, data: options.calibration, count });
  const params = new Map<string, ScaleZeroPoint>();
  const activationRange = quantRange(8, false);
  for (const v of calibrated) {
    const r = ranges.get(v)!;
    const p = scaleZeroPoint(r.min, r.max, activationRange);
    params.set(v, { scale: Math.fround(p.scale), zeroPoint: p.zeroPoint });
  }
  for (const v of plan.values) {
    let source = v;
    while (plan.sharedWith.has(source)) source = plan.sharedWith.get(source)!;
    params.set(v, params.get(source)!);
  }
  const rewritten = rewrite(folded, plan, params, options);
  return {
    model: rewritten,
    foldedBatchNorms,
    integerNodes: [...plan.quantized].map((n) => n.name),
    activations: plan.values.length,
    calibration: { images: count, method: 'min-max' },
  };
}

/** Emits the QDQ graph: weight/bias DequantizeLinear, the integer ops, a Q → DQ pair per activation. */
function rewrite(model: Model, plan: QdqPlan, params: ReadonlyMap<string, ScaleZeroPoint>, options: QuantizeStaticOptions): Model {
  const namer = new Namer(model.graph);
  const inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
  const tensors: Tensor[] = [];
  const nodes: Node[] = [];
  const dequantized = new Map<string, string>();
  const emitPair = (value: string) => {
    const p = params.get(value)!;
    const scale = floatTensor(namer.fresh(`${value}_scale`), [], [p.scale]);
    const zp = makeTensor(namer.fresh(`${value}_zero_point`), DataType.UINT8, [], Uint8Array.of(p.zeroPoint));
    const q = namer.fresh(`${value}_quantized`);
    const dq = namer.fresh(`${value}_dequantized`);
    tensors.push(scale, zp);
    nodes.push(
      { name: namer.fresh(`${value}_QuantizeLinear`), opType: 'QuantizeLinear', domain: '', inputs: [value, scale.name, zp.name], outputs: [q], attributes: {} },
      { name: namer.fresh(`${value}_DequantizeLinear`), opType: 'DequantizeLinear', domain: '', inputs: [q, scale.name, zp.name], outputs: [dq], attributes: {} },
    );
    dequantized.set(value, dq);
  };
  const quantizedValues = new Set(plan.values);
  const first = inputLayers(model);
  for (const input of model.graph.inputs) if (quantizedValues.has(input.name)) emitPair(input.name);
  const dropped = new Set(plan.folded.values());
  for (const node of plan.order) {
    if (dropped.has(node)) continue;
    const inputs = node.inputs.map((v) => dequantized.get(v) ?? v);
    const layer = plan.quantized.has(node) ? weightLayer(node, inits) : undefined;
    if (layer) {
      const inputScale = params.get(node.inputs[0]!)!.scale;
      const weightBits = layerBits(options.weightBits, first.has(node));
      const w = quantizeLayerWeights(layer, { ...options, weightBits, inputScale, namer });
      nodes.push(...w.nodes);
      tensors.push(...w.tensors);
      inputs[1] = w.weight;
      if (w.bias) inputs[2] = w.bias;
    }
    const outputs = plan.folded.has(node) ? plan.folded.get(node)!.outputs.slice() : node.outputs.slice();
    nodes.push({ ...node, inputs, outputs });
    for (const o of outputs) if (quantizedValues.has(o)) emitPair(o);
  }
  const graph = dropUnusedInitializers({ ...model.graph, nodes, initializers: [...model.graph.initializers, ...tensors] });
  return withGraph(model, graph, { shapesChanged: true });
}

interface LayerQuantization {
  readonly weightBits: number;
  readonly granularity: 'per-tensor' | 'per-channel';
  readonly symmetric: boolean;
  readonly inputScale: number;
  readonly namer: Namer;
}

/** INT8/UINT8 weight codes and INT32 bias codes (scale s_x · s_w, zero point 0), with their DequantizeLinear nodes. */
function quantizeLayerWeights(layer: WeightLayer, o: LayerQuantization): { nodes: Node[]; tensors: Tensor[]; weight: string; bias?: string } {
  const w = layer.weight;
  const axis = o.granularity === 'per-channel' ? layer.outAxis : undefined;
  const q = weightCodes(w, { bits: o.weightBits, symmetric: o.symmetric, axis });
  const weight = o.namer.fresh(`${w.name}_dequantized`);
  const dq = dequantizeNode({ name: w.name, dims: w.dims, q, axis, type: codeType(q, false), output: weight, namer: o.namer, explicitZeroPoint: true });
  const result = { nodes: [dq.node], tensors: dq.tensors, weight };
  const b = layer.bias;
  const channels = w.dims[layer.outAxis]!;
  const plainBias = layer.kind !== 'Gemm' || floatAttr(layer.node, 'beta', 1) === 1;
  if (!b || b.dataType !== DataType.FLOAT || b.data.length !== channels || !plainBias) return result;
  const scales = Float32Array.from({ length: channels }, (_, c) => o.inputScale * q.scales[axis === undefined ? 0 : c]!);
  const codes = Int32Array.from(b.data as Float32Array, (v, c) => roundHalfEven(v / scales[c]!));
  const biasOut = o.namer.fresh(`${b.name}_dequantized`);
  const codesTensor = makeTensor(o.namer.fresh(`${b.name}_quantized`), DataType.INT32, [channels], codes);
  const scaleTensor = floatTensor(o.namer.fresh(`${b.name}_scale`), [channels], scales);
  const node: Node = {
    name: o.namer.fresh(`${b.name}_DequantizeLinear`),
    opType: 'DequantizeLinear',
    domain: '',
    inputs: [codesTensor.name, scaleTensor.name],
    outputs: [biasOut],
    attributes: { axis: { type: 'int', value: 0 } },
  };
  return { nodes: [...result.nodes, node], tensors: [...result.tensors, codesTensor, scaleTensor], weight, bias: biasOut };
}
