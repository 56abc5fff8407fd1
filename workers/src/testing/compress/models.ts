// Small seeded models for the compression tests and the `kernels` benchmark: an MLP, a
// fashion-cnn-like CNN (Conv-BN-ReLU-pool ×2, Flatten→Gemm), and a residual CNN with a depthwise
// conv and a global pool — together they cover every path the kernels rewrite.
import { Rng } from '../../data/rng.js';
import { floatAttribute, GraphBuilder } from '../../onnx/graph-builder.js';
import type { Model } from '../../onnx/model.js';
import { floatTensor } from '../../onnx/tensor.js';

/** He-normal weights (std √(2 / fan_in)) from a seeded generator. */
function weights(rng: Rng, dims: readonly number[], fanIn: number): Float32Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const std = Math.sqrt(2 / fanIn);
  return Float32Array.from({ length: n }, () => rng.normal(0, std));
}

function small(rng: Rng, n: number, scale = 0.1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal(0, scale));
}

class Builder {
  readonly b: GraphBuilder;
  constructor(
    readonly rng: Rng,
    opset = 17,
  ) {
    this.b = new GraphBuilder({ opset });
  }

  conv(x: string, name: string, o: { cin: number; cout: number; k: number; group?: number; pad?: number; stride?: number }): string {
    const group = o.group ?? 1;
    const cPerGroup = o.cin / group;
    const w = this.b.initializer(floatTensor(`${name}.weight`, [o.cout, cPerGroup, o.k, o.k], weights(this.rng, [o.cout, cPerGroup, o.k, o.k], cPerGroup * o.k * o.k)));
    const bias = this.b.initializer(floatTensor(`${name}.bias`, [o.cout], small(this.rng, o.cout)));
    const pad = o.pad ?? Math.floor(o.k / 2);
    return this.b.node('Conv', [x, w, bias], { kernel_shape: [o.k, o.k], pads: [pad, pad, pad, pad], strides: [o.stride ?? 1, o.stride ?? 1], group }, name);
  }

  batchNorm(x: string, name: string, c: number): string {
    const r = this.rng;
    const scale = this.b.initializer(floatTensor(`${name}.scale`, [c], Float32Array.from({ length: c }, () => 1 + r.normal(0, 0.2))));
    const shift = this.b.initializer(floatTensor(`${name}.bias`, [c], small(r, c)));
    const mean = this.b.initializer(floatTensor(`${name}.mean`, [c], small(r, c)));
    const variance = this.b.initializer(floatTensor(`${name}.var`, [c], Float32Array.from({ length: c }, () => 0.5 + r.next())));
    return this.b.node('BatchNormalization', [x, scale, shift, mean, variance], { epsilon: floatAttribute(1e-5) }, name);
  }

  gemm(x: string, name: string, fin: number, fout: number, transB = true): string {
    const dims = transB ? [fout, fin] : [fin, fout];
    const w = this.b.initializer(floatTensor(`${name}.weight`, dims, weights(this.rng, dims, fin)));
    const bias = this.b.initializer(floatTensor(`${name}.bias`, [fout], small(this.rng, fout)));
    return this.b.node('Gemm', [x, w, bias], { transB: transB ? 1 : 0 }, name);
  }
}

/** [N, 64] → Gemm 64→48 → ReLU → MatMul 48→32 (+Add bias) → ReLU → Gemm 32→10 (transB 0). */
export function mlpModel(seed = 1): Model {
  const m = new Builder(new Rng(seed));
  const b = m.b;
  const x = b.input('input', ['N', 64]);
  let h = b.node('Relu', [m.gemm(x, 'fc1', 64, 48)]);
  const w2 = b.initializer(floatTensor('fc2.weight', [48, 32], weights(m.rng, [48, 32], 48)));
  const b2 = b.initializer(floatTensor('fc2.bias', [32], small(m.rng, 32)));
  h = b.node('Relu', [b.node('Add', [b.node('MatMul', [h, w2], {}, 'fc2'), b2])]);
  b.output(m.gemm(h, 'fc3', 32, 10, false), ['N', 10]);
  return b.build();
}

/**
 * A fashion-cnn stand-in, [N, 1, 28, 28] → 10 logits: Conv 1→16 3×3, BN, ReLU, MaxPool 2;
 * Conv 16→32 3×3, BN, ReLU, MaxPool 2; Flatten; Gemm 1568→128; ReLU; Gemm 128→10.
 */
export function cnnModel(seed = 2, widths: readonly [number, number, number] = [16, 32, 128]): Model {
  const [c1, c2, f] = widths;
  const m = new Builder(new Rng(seed));
  const b = m.b;
  let h = b.input('input', ['N', 1, 28, 28]);
  h = b.node('Relu', [m.batchNorm(m.conv(h, 'conv1', { cin: 1, cout: c1, k: 3 }), 'bn1', c1)]);
  h = b.node('MaxPool', [h], { kernel_shape: [2, 2], strides: [2, 2] });
  h = b.node('Relu', [m.batchNorm(m.conv(h, 'conv2', { cin: c1, cout: c2, k: 3 }), 'bn2', c2)]);
  h = b.node('MaxPool', [h], { kernel_shape: [2, 2], strides: [2, 2] });
  h = b.node('Flatten', [h], { axis: 1 });
  h = b.node('Relu', [m.gemm(h, 'fc1', c2 * 49, f)]);
  b.output(m.gemm(h, 'fc2', f, 10), ['N', 10]);
  return b.build();
}

/**
 * A residual CNN, [N, 1, 16, 16] → 10 logits: stem Conv 1→8 + BN + ReLU; a block Conv 8→8 + BN
 * added to the stem output (the two convs are coupled by the Add); ReLU; depthwise Conv 3×3 (group
 * 8); ReLU; Conv 1×1 8→16; Mul by a per-channel constant; GlobalAveragePool; Flatten; Gemm 16→10.
 */
export function residualModel(seed = 3): Model {
  const m = new Builder(new Rng(seed));
  const b = m.b;
  const x = b.input('input', ['N', 1, 16, 16]);
  const stem = b.node('Relu', [m.batchNorm(m.conv(x, 'stem', { cin: 1, cout: 8, k: 3 }), 'stem_bn', 8)]);
  const block = m.batchNorm(m.conv(stem, 'block', { cin: 8, cout: 8, k: 3 }), 'block_bn', 8);
  let h = b.node('Relu', [b.node('Add', [stem, block])]);
  h = b.node('Relu', [m.conv(h, 'dw', { cin: 8, cout: 8, k: 3, group: 8 })]);
  h = m.conv(h, 'pw', { cin: 8, cout: 16, k: 1 });
  const gain = b.initializer(floatTensor('gain', [1, 16, 1, 1], Float32Array.from({ length: 16 }, () => 1 + m.rng.normal(0, 0.1))));
  h = b.node('Mul', [h, gain]);
  h = b.node('Flatten', [b.node('GlobalAveragePool', [h])], { axis: 1 });
  b.output(m.gemm(h, 'fc', 16, 10), ['N', 10]);
  return b.build();
}

/** Seeded inputs in [0, 1) for a model input shape with batch `n`. */
export function randomInput(dims: readonly number[], n: number, seed = 9): Float32Array {
  const rng = new Rng(seed);
  const size = dims.slice(1).reduce((a, b) => a * b, 1) * n;
  return Float32Array.from({ length: size }, () => rng.next());
}
