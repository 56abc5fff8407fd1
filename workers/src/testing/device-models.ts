// Small deterministic models for the device tests (not exported from the package).
import { GraphBuilder } from '../onnx/graph-builder.js';
import { DataType, type Model } from '../onnx/model.js';
import { floatTensor, makeTensor } from '../onnx/tensor.js';
import type { HostFacts } from '../devices/host-device.js';

/** Host facts of a fixed imaginary machine, so tests do not depend on the one they run on. */
export const TEST_HOST: HostFacts = {
  cpuModel: 'test CPU',
  clockHz: 2e9,
  clockKnown: true,
  ramBytes: 8 * 2 ** 30,
  storageBytes: 1e11,
  vectorBits: 256,
  fma: true,
  int8Dot: false,
};

export interface ConvNetOptions {
  /** Channels of the first conv; block i has width·(i+1). */
  readonly width: number;
  readonly depth?: number;
  readonly kernel?: number;
  /** Input height = width of the (1-channel) image. Default 28. */
  readonly size?: number;
  /** fp32 weights; int8 weight codes dequantized into float layers; or QDQ int8 throughout. */
  readonly quant?: 'fp32' | 'w8' | 'qdq';
  /** Output classes. Default 10. */
  readonly classes?: number;
  /** How many blocks (the first ones) end in a max pool. Default: all. */
  readonly pools?: number;
  /** Width of a hidden Gemm → Relu layer before the classifier; 0 (default): none. */
  readonly hidden?: number;
}

/**
 * [1,1,S,S] → depth × (Conv k×k → Relu [→ MaxPool 2×2]) → Flatten [→ Gemm → Relu] → Gemm →
 * [1, classes]. Weights
 * are a fixed nonzero pattern (no zeros, so no sparse layout). In `qdq` mode every activation is
 * quantized (uint8) and the output dequantized back to float.
 */
export function convNet(o: ConvNetOptions): Model {
  const depth = o.depth ?? 2;
  const k = o.kernel ?? 3;
  const quant = o.quant ?? 'fp32';
  const classes = o.classes ?? 10;
  const b = new GraphBuilder({ name: `convnet-w${o.width}-d${depth}-k${k}-${quant}` });
  let size = o.size ?? 28;
  const scale = (name: string) => b.initializer(floatTensor(name, [], [0.05]));
  const qdq = (v: string, name: string): string => {
    if (quant !== 'qdq') return v;
    const s = scale(`${name}.s`);
    const z = b.initializer(makeTensor(`${name}.z`, DataType.UINT8, [], Uint8Array.of(128)));
    return b.node('DequantizeLinear', [b.node('QuantizeLinear', [v, s, z], {}, `${name}.q`), s, z], {}, `${name}.dq`);
  };
  const weight = (name: string, dims: number[]): string => {
    const n = dims.reduce((a, c) => a * c, 1);
    if (quant === 'fp32') return b.initializer(floatTensor(name, dims, Float32Array.from({ length: n }, (_, i) => (((i * 7) % 13) - 6.5) / 40)));
    const codes = b.initializer(makeTensor(`${name}.codes`, DataType.INT8, dims, Int8Array.from({ length: n }, (_, i) => ((i * 37) % 255) - 127 || 1)));
    const zp = b.initializer(makeTensor(`${name}.zp`, DataType.INT8, [], Int8Array.of(0)));
    return b.node('DequantizeLinear', [codes, scale(`${name}.scale`), zp], {}, `${name}.dq`);
  };
  let x = qdq(b.input('image', [1, 1, size, size]), 'in');
  let cin = 1;
  for (let i = 0; i < depth; i++) {
    const cout = o.width * (i + 1);
    const pad = Math.floor(k / 2);
    x = b.node('Conv', [x, weight(`conv${i}.w`, [cout, cin, k, k])], { kernel_shape: [k, k], pads: [pad, pad, pad, pad] }, `conv${i}`);
    x = qdq(b.node('Relu', [x], {}, `relu${i}`), `relu${i}`);
    if (i < (o.pools ?? depth)) {
      x = qdq(b.node('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] }, `pool${i}`), `pool${i}`);
      size = Math.floor(size / 2);
    }
    cin = cout;
  }
  x = b.node('Flatten', [x], { axis: 1 }, 'flatten');
  let features = cin * size * size;
  if (o.hidden) {
    x = qdq(b.node('Relu', [b.node('Gemm', [x, weight('hidden.w', [features, o.hidden])], {}, 'hidden')], {}, 'hidden.relu'), 'hidden');
    features = o.hidden;
  }
  x = qdq(b.node('Gemm', [x, weight('fc.w', [features, classes])], {}, 'fc'), 'fc');
  b.output(x, [1, classes]);
  return b.build();
}
