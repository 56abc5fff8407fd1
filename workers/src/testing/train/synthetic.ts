// Small seeded datasets and models for the trainer tests.
import type { Dataset } from '../../data/dataset.js';
import { Rng } from '../../data/rng.js';
import { GraphBuilder } from '../../onnx/graph-builder.js';
import type { Model } from '../../onnx/model.js';
import { floatTensor } from '../../onnx/tensor.js';

/**
 * `count` 6×6 single-channel uint8 images of 3 classes: class k brightens row band k (rows 2k,
 * 2k + 1) on a noisy background, so a small model learns it in a few dozen steps.
 */
export function stripesDataset(count: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const pixels = new Uint8Array(count * 36);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const k = rng.int(3);
    labels[i] = k;
    for (let p = 0; p < 36; p++) {
      const row = Math.floor(p / 6);
      const base = row >> 1 === k ? 160 : 40;
      pixels[i * 36 + p] = Math.max(0, Math.min(255, Math.round(base + rng.normal(0, 30))));
    }
  }
  return { name: 'stripes', shape: [1, 6, 6], classes: 3, count, pixels, pixelScale: 1 / 255, labels };
}

/** Conv(4, 3×3, pad 1) → BN → ReLU → MaxPool 2 → Flatten → Gemm 36→8 → ReLU → Gemm 8→3, seeded. */
export function smallCnn(seed: number, options: { bnMomentum?: number } = {}): Model {
  const rng = new Rng(seed);
  const b = new GraphBuilder({ name: 'small-cnn' });
  const normal = (name: string, dims: number[], std: number) =>
    b.initializer(floatTensor(name, dims, Float32Array.from({ length: dims.reduce((p, d) => p * d, 1) }, () => rng.normal(0, std))));
  const fill = (name: string, dims: number[], v: number) => b.initializer(floatTensor(name, dims, new Float32Array(dims.reduce((p, d) => p * d, 1)).fill(v)));
  b.input('input', ['N', 1, 6, 6]);
  const conv = b.node('Conv', ['input', normal('conv.w', [4, 1, 3, 3], 0.5), fill('conv.b', [4], 0)], { pads: [1, 1, 1, 1] }, 'conv');
  const bn = b.node('BatchNormalization', [conv, fill('bn.scale', [4], 1), fill('bn.bias', [4], 0), fill('bn.mean', [4], 0), fill('bn.var', [4], 1)], {
    momentum: options.bnMomentum ?? 0.9,
  }, 'bn');
  const pooled = b.node('MaxPool', [b.node('Relu', [bn])], { kernel_shape: [2, 2], strides: [2, 2] });
  const h = b.node('Relu', [b.node('Gemm', [b.node('Flatten', [pooled]), normal('fc1.w', [8, 36], 0.3), fill('fc1.b', [8], 0)], { transB: 1 }, 'fc1')]);
  const logits = b.node('Gemm', [h, normal('fc2.w', [3, 8], 0.3), fill('fc2.b', [3], 0)], { transB: 1 }, 'fc2');
  b.output(logits, ['N', 3]);
  return b.build();
}
