// Seeded model variants for the `devices` benchmark: small CNN architectures for 28×28 images
// (different widths, depths, kernels, depthwise-separable and residual blocks, pooling or strided
// downsampling, pooled or flattened heads), each built fp32, with int8 weight-only quantization
// (DequantizeLinear on the weights) and fully QDQ int8, plus a 50%-sparse fp32 copy; and the zoo's
// architectures through the real compression kernels.
import {
  DataType,
  GraphBuilder,
  Rng,
  ZOO_ARCHITECTURES,
  buildArchitecture,
  compress,
  floatTensor,
  makeTensor,
  writeModel,
  type Model,
  type Recipe,
} from '@frontier/workers';
import { noiseDataset } from '@frontier/workers/testing';

export type VariantKind = 'fp32' | 'w8' | 'qdq' | 'sparse';
export const VARIANT_KINDS: readonly VariantKind[] = ['fp32', 'w8', 'qdq', 'sparse'];

interface Block {
  readonly type: 'conv' | 'separable' | 'residual';
  readonly width: number;
  readonly kernel: number;
  readonly down: 'max' | 'avg' | 'stride' | 'none';
  readonly batchNorm: boolean;
}

/** One sampled architecture. */
export interface Architecture {
  /** No convolutions: the image flattened into the dense head (an MLP like the zoo's). */
  readonly mlp: boolean;
  readonly stemWidth: number;
  readonly stemKernel: number;
  readonly blocks: readonly Block[];
  readonly head: 'gap' | 'flatten' | 'hidden';
  readonly hidden: number;
}

export interface Variant {
  /** Index of the architecture it was built from (negative: a zoo architecture). */
  readonly base: number;
  /** The generator's variant kind (zoo models: `fp32`, their recipe is in the name). */
  readonly kind: VariantKind;
  readonly name: string;
  readonly model: Model;
  readonly bytes: Uint8Array;
}

/** Spatial size after a block: 2×2 pools floor, stride-2 convs with "same" padding round up. */
function downsampled(size: number, down: Block['down']): number {
  if (down === 'none') return size;
  return down === 'stride' ? Math.ceil(size / 2) : Math.floor(size / 2);
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)]!;

/** Samples an architecture; the spatial size stays ≥ 3 after every downsampling. */
export function sampleArchitecture(rng: Rng): Architecture {
  const depth = 1 + rng.int(3);
  const blocks: Block[] = [];
  let size = 28;
  let width = pick(rng, [4, 8, 12, 16]);
  const stemWidth = width;
  for (let i = 0; i < depth; i++) {
    width = Math.min(64, width * pick(rng, [1, 2, 2]));
    const down = size >= 6 ? pick(rng, ['max', 'max', 'avg', 'stride'] as const) : 'none';
    size = downsampled(size, down);
    blocks.push({ type: pick(rng, ['conv', 'conv', 'separable', 'residual'] as const), width, kernel: pick(rng, [1, 3, 3, 5]), down, batchNorm: rng.next() < 0.4 });
  }
  const mlp = rng.next() < 0.2;
  return { mlp, stemWidth, stemKernel: pick(rng, [3, 5]), blocks, head: mlp ? 'hidden' : pick(rng, ['gap', 'flatten', 'hidden'] as const), hidden: pick(rng, [32, 64, 128, 128]) };
}

/** Builds one variant of an architecture; weights come from `seed`, the same for every kind. */
export function buildVariant(arch: Architecture, kind: VariantKind, seed: number): Model {
  const rng = new Rng(seed);
  const b = new GraphBuilder({ name: `variant-${kind}` });
  let n = 0;
  const fresh = (p: string) => `${p}${n++}`;
  const quantAct = kind === 'qdq';
  // Activations quantize to uint8; values that cannot be negative (after ReLU, pooling of ReLU
  // outputs, the image) use zero point 0, as a calibrating quantizer chooses, and a ReLU before
  // such a QuantizeLinear is dropped — its clamp at 0 does the ReLU — as quantizers do, so that
  // runtimes see Conv → QuantizeLinear and fuse it into one int8 kernel.
  /** Scale of each dequantized value (activations and weights), for the int32 bias scales. */
  const scaleOf = new Map<string, number>();
  const qdq = (v: string, nonNegative = true): string => {
    if (!quantAct) return v;
    const scale = nonNegative ? 0.025 : 0.05;
    const s = b.initializer(floatTensor(fresh('as'), [], [scale]));
    const z = b.initializer(makeTensor(fresh('az'), DataType.UINT8, [], Uint8Array.of(nonNegative ? 0 : 128)));
    const out = b.node('DequantizeLinear', [b.node('QuantizeLinear', [v, s, z]), s, z]);
    scaleOf.set(out, scale);
    return out;
  };
  const weight = (dims: number[], fanIn: number): string => {
    const count = dims.reduce((a, c) => a * c, 1);
    const std = Math.sqrt(2 / fanIn);
    const w = Float32Array.from({ length: count }, () => rng.normal(0, std));
    if (kind === 'sparse') for (let i = 0; i < count; i++) if (rng.next() < 0.5) w[i] = 0;
    if (kind === 'fp32' || kind === 'sparse') return b.initializer(floatTensor(fresh('w'), dims, w));
    const scale = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / 127 || 1;
    const codes = makeTensor(fresh('wq'), DataType.INT8, dims, Int8Array.from(w, (v) => Math.round(v / scale)));
    const s = b.initializer(floatTensor(fresh('ws'), [], [scale]));
    const z = b.initializer(makeTensor(fresh('wz'), DataType.INT8, [], Int8Array.of(0)));
    const out = b.node('DequantizeLinear', [b.initializer(codes), s, z]);
    scaleOf.set(out, scale);
    return out;
  };
  const bias = (c: number, input: string, w: string): string => {
    const values = Float32Array.from({ length: c }, () => rng.normal(0, 0.05));
    if (!quantAct) return b.initializer(floatTensor(fresh('b'), [c], values));
    // QDQ biases are int32 codes at scale input scale × weight scale, as quantizers emit them and
    // as onnxruntime requires to fuse DequantizeLinear → Conv/Gemm → QuantizeLinear into one kernel.
    const scale = scaleOf.get(input)! * scaleOf.get(w)!;
    const codes = b.initializer(makeTensor(fresh('bq'), DataType.INT32, [c], Int32Array.from(values, (v) => Math.round(v / scale))));
    return b.node('DequantizeLinear', [codes, b.initializer(floatTensor(fresh('bs'), [], [scale]))]);
  };
  const conv = (x: string, o: { cin: number; cout: number; k: number; stride?: number; group?: number; relu?: boolean; bn?: boolean }): string => {
    const group = o.group ?? 1;
    const pad = Math.floor(o.k / 2);
    const s = o.stride ?? 1;
    const w = weight([o.cout, o.cin / group, o.k, o.k], (o.cin / group) * o.k * o.k);
    let y = b.node('Conv', [x, w, bias(o.cout, x, w)], { kernel_shape: [o.k, o.k], pads: [pad, pad, pad, pad], strides: [s, s], group });
    if (o.bn && !quantAct) {
      const c = o.cout;
      const ones = Float32Array.from({ length: c }, () => 1 + rng.normal(0, 0.1));
      const params = [ones, new Float32Array(c), new Float32Array(c), Float32Array.from({ length: c }, () => 1)].map((d) => b.initializer(floatTensor(fresh('bn'), [c], d)));
      y = b.node('BatchNormalization', [y, ...params]);
    }
    if (o.relu === false) return qdq(y, false);
    return quantAct ? qdq(y) : b.node('Relu', [y]);
  };

  let x = qdq(b.input('image', [1, 1, 28, 28]));
  let c = arch.mlp ? 1 : arch.stemWidth;
  let size = 28;
  if (!arch.mlp) x = conv(x, { cin: 1, cout: c, k: arch.stemKernel });
  for (const block of arch.mlp ? [] : arch.blocks) {
    const stride = block.down === 'stride' ? 2 : 1;
    if (block.type === 'separable') {
      x = conv(x, { cin: c, cout: c, k: 3, group: c, stride, bn: block.batchNorm });
      x = conv(x, { cin: c, cout: block.width, k: 1, bn: block.batchNorm });
    } else if (block.type === 'residual') {
      const inner = conv(x, { cin: c, cout: c, k: block.kernel, bn: block.batchNorm });
      const sum = qdq(b.node('Add', [x, conv(inner, { cin: c, cout: c, k: block.kernel, relu: false })]), false);
      x = conv(quantAct ? qdq(sum) : b.node('Relu', [sum]), { cin: c, cout: block.width, k: 1, stride });
    } else {
      x = conv(x, { cin: c, cout: block.width, k: block.kernel, stride, bn: block.batchNorm });
    }
    c = block.width;
    if (block.down === 'max' || block.down === 'avg') x = qdq(b.node(block.down === 'max' ? 'MaxPool' : 'AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2] }));
    size = downsampled(size, block.down);
  }
  let features: number;
  if (arch.head === 'gap') {
    x = qdq(b.node('GlobalAveragePool', [x]));
    features = c;
  } else {
    features = c * size * size;
  }
  x = qdq(b.node('Flatten', [x], { axis: 1 })); // requantized after the view, as quantizers emit it
  if (arch.head === 'hidden') {
    const w = weight([features, arch.hidden], features);
    const hidden = b.node('Gemm', [x, w, bias(arch.hidden, x, w)]);
    x = quantAct ? qdq(hidden) : b.node('Relu', [hidden]);
    features = arch.hidden;
  }
  const w = weight([features, 10], features);
  x = qdq(b.node('Gemm', [x, w, bias(10, x, w)]), false);
  b.output(x, [1, 10]);
  return b.build();
}

/** `count` architectures × every variant kind, all from one seed. */
export function modelVariants(seed: number, count: number): Variant[] {
  const rng = new Rng(seed);
  const out: Variant[] = [];
  for (let base = 0; base < count; base++) {
    const arch = sampleArchitecture(rng);
    const weightSeed = rng.nextUint32();
    for (const kind of VARIANT_KINDS) {
      const model = buildVariant(arch, kind, weightSeed);
      out.push({ base, kind, name: `arch${base}-${kind}`, model, bytes: writeModel(model) });
    }
  }
  return out;
}

/** Compression recipes applied to the zoo architectures: every kernel's output format once. */
const ZOO_RECIPES: Readonly<Record<string, Recipe>> = {
  base: {},
  'w8-per-channel': { quant: { weightBits: 8, activationBits: 32, granularity: 'per-channel', symmetric: true } },
  'w4-per-channel': { quant: { weightBits: 4, activationBits: 32, granularity: 'per-channel', symmetric: true } },
  'a8w8': { quant: { weightBits: 8, activationBits: 8, granularity: 'per-channel', symmetric: true } },
  'prune-0.7': { prune: { ratio: 0.7, structure: 'unstructured' } },
  'channel-0.5': { prune: { ratio: 0.5, structure: 'channel' } },
  'low-rank-0.25': { lowRank: { rankRatio: 0.25 } },
  'channel-0.5+a8w8': { prune: { ratio: 0.5, structure: 'channel' }, quant: { weightBits: 8, activationBits: 8, granularity: 'per-tensor', symmetric: true } },
};

/**
 * The reference zoo's architectures (seeded, untrained: latency does not depend on the weights'
 * values) through the compression pipeline, one model per recipe. Static quantization calibrates
 * on 64 seeded random images, which sets the scales but not the cost.
 */
export async function zooVariants(seed: number): Promise<Variant[]> {
  const rng = new Rng(seed);
  const count = 64;
  const fit = noiseDataset({ rng, count, name: 'random' });
  const out: Variant[] = [];
  for (const [a, arch] of ZOO_ARCHITECTURES.entries()) {
    for (const [name, recipe] of Object.entries(ZOO_RECIPES)) {
      const result = await compress(buildArchitecture(arch, seed + a), recipe, { fit, calibrationCount: count });
      out.push({ base: -1 - a, kind: 'fp32', name: `${arch}/${name}`, model: result.model, bytes: result.bytes });
    }
  }
  return out;
}
