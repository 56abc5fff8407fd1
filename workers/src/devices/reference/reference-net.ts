import { Rng } from '../../data/rng.js';
import { GraphBuilder } from '../../onnx/graph-builder.js';
import { DataType, type Model } from '../../onnx/model.js';
import { floatTensor, makeTensor } from '../../onnx/tensor.js';

/** How a reference network is stored: float32 throughout, or int8 QDQ (weights and activations). */
export type ReferencePrecision = 'fp32' | 'qdq';

/** An activation flowing through the builder: its value name and NCHW shape. */
export interface Activation {
  readonly name: string;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

export interface ConvOptions {
  readonly out: number;
  readonly kernel: readonly [number, number];
  readonly stride?: number;
  /** Depthwise: one filter per input channel (`out` must equal the input channels). */
  readonly depthwise?: boolean;
  /** Follow with Relu (fused into the layer by every runtime). Default true. */
  readonly relu?: boolean;
  readonly name: string;
}

/** Activation scale of every quantized tensor; the values are random, only the layout matters. */
const ACT_SCALE = 0.05;

/**
 * Builds the MLPerf Tiny reference networks with random weights (latency depends on shapes, not
 * values): TensorFlow's "same" padding, batch norm folded into the convolution bias as the
 * deployed int8 and float models have it, and in `qdq` mode the layout TFLite-style converters
 * and onnxruntime's quantizer emit — int8 per-channel weight codes and int32 biases behind
 * DequantizeLinear, every layer's output through QuantizeLinear → DequantizeLinear (int8, zero
 * point 0), so each layer runs between a DQ and a Q.
 */
export class ReferenceNet {
  private readonly b: GraphBuilder;
  private readonly rng: Rng;

  constructor(
    readonly name: string,
    readonly precision: ReferencePrecision,
    seed: number,
  ) {
    this.b = new GraphBuilder({ name: `${name}-${precision}`, opset: 17 });
    this.rng = new Rng(seed);
  }

  /** The image input, quantized first in `qdq` mode. */
  input(shape: readonly [number, number, number]): Activation {
    const [channels, height, width] = shape;
    const x = this.b.input('input', [1, channels, height, width]);
    return { name: this.qdq(x, 'input'), channels, height, width };
  }

  /** Conv (dense, depthwise or 1×1) with bias and optional Relu. */
  conv(x: Activation, o: ConvOptions): Activation {
    const [kh, kw] = o.kernel;
    const stride = o.stride ?? 1;
    const group = o.depthwise ? x.channels : 1;
    const cin = x.channels / group;
    const [padTop, padBottom, height] = samePadding(x.height, kh, stride);
    const [padLeft, padRight, width] = samePadding(x.width, kw, stride);
    const w = this.weight(`${o.name}.w`, [o.out, cin, kh, kw], cin * kh * kw);
    const bias = this.bias(`${o.name}.b`, o.out, w.scales);
    let y = this.b.node('Conv', [x.name, w.name, bias], { kernel_shape: [kh, kw], strides: [stride, stride], pads: [padTop, padLeft, padBottom, padRight], group }, o.name);
    if (o.relu ?? true) y = this.b.node('Relu', [y], {}, `${o.name}.relu`);
    return { name: this.qdq(y, o.name), channels: o.out, height, width };
  }

  /** Elementwise sum of two activations of one shape, then Relu (the residual join). */
  addRelu(a: Activation, c: Activation, name: string): Activation {
    const y = this.b.node('Relu', [this.b.node('Add', [a.name, c.name], {}, name)], {}, `${name}.relu`);
    return { ...a, name: this.qdq(y, name) };
  }

  /** Global average pool → flatten → fully connected → softmax; the graph output is float. */
  head(x: Activation, classes: number): Model {
    const pooled = this.qdq(this.b.node('GlobalAveragePool', [x.name], {}, 'pool'), 'pool');
    const flat = this.b.node('Flatten', [pooled], { axis: 1 }, 'flatten');
    const w = this.weight('fc.w', [x.channels, classes], x.channels, 1);
    const bias = this.bias('fc.b', classes, w.scales);
    const logits = this.qdq(this.b.node('Gemm', [flat, w.name, bias], {}, 'fc'), 'fc');
    const probs = this.qdq(this.b.node('Softmax', [logits], { axis: 1 }, 'softmax'), 'softmax');
    this.b.output(probs, [1, classes]);
    return this.b.build();
  }

  /** Q → DQ around a value in `qdq` mode; the value itself in `fp32`. */
  private qdq(value: string, name: string): string {
    if (this.precision === 'fp32') return value;
    const s = this.b.initializer(floatTensor(`${name}.qs`, [], [ACT_SCALE]));
    const z = this.b.initializer(makeTensor(`${name}.qz`, DataType.INT8, [], Int8Array.of(0)));
    return this.b.node('DequantizeLinear', [this.b.node('QuantizeLinear', [value, s, z], {}, `${name}.q`), s, z], {}, `${name}.dq`);
  }

  /**
   * He-uniform random weights (bound √(6 / fan-in)); in `qdq` mode int8 codes with one symmetric
   * scale per output channel along `axis`. Returns the value a node reads and the per-channel scales.
   */
  private weight(name: string, dims: readonly number[], fanIn: number, axis = 0): { name: string; scales: Float32Array } {
    const n = dims.reduce((a, c) => a * c, 1);
    const bound = Math.sqrt(6 / fanIn);
    const values = Float32Array.from({ length: n }, () => (2 * this.rng.next() - 1) * bound);
    const channels = dims[axis]!;
    if (this.precision === 'fp32') return { name: this.b.initializer(floatTensor(name, dims, values)), scales: new Float32Array(channels).fill(1) };
    const scales = new Float32Array(channels).fill(bound / 127);
    const codes = Int8Array.from(values, (v) => Math.max(-127, Math.min(127, Math.round(v / (bound / 127)))));
    const inputs = [
      this.b.initializer(makeTensor(`${name}.codes`, DataType.INT8, dims, codes)),
      this.b.initializer(floatTensor(`${name}.scale`, [channels], scales)),
      this.b.initializer(makeTensor(`${name}.zp`, DataType.INT8, [channels], new Int8Array(channels))),
    ];
    return { name: this.b.node('DequantizeLinear', inputs, { axis }, `${name}.dq`), scales };
  }

  /** A small random bias; in `qdq` mode int32 codes at scale input-scale × weight-scale. */
  private bias(name: string, channels: number, weightScales: Float32Array): string {
    const values = Float32Array.from({ length: channels }, () => (this.rng.next() - 0.5) * 0.1);
    if (this.precision === 'fp32') return this.b.initializer(floatTensor(name, [channels], values));
    const scales = Float32Array.from(weightScales, (s) => s * ACT_SCALE);
    const inputs = [
      this.b.initializer(makeTensor(`${name}.codes`, DataType.INT32, [channels], Int32Array.from(values, (v, i) => Math.round(v / scales[i]!)))),
      this.b.initializer(floatTensor(`${name}.scale`, [channels], scales)),
      this.b.initializer(makeTensor(`${name}.zp`, DataType.INT32, [channels], new Int32Array(channels))),
    ];
    return this.b.node('DequantizeLinear', inputs, { axis: 0 }, `${name}.dq`);
  }
}

/**
 * TensorFlow "same" padding along one axis: output ⌈size / stride⌉, the total padding split with
 * the extra element after (TensorFlow's `conv2d` padding rule). Returns [before, after, output].
 */
export function samePadding(size: number, kernel: number, stride: number): [number, number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2), out];
}
