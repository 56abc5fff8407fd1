import { Rng } from '../data/rng.js';
import { WorkersError } from '../errors.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import type { Model } from '../onnx/model.js';
import { floatTensor } from '../onnx/tensor.js';

/** Architectures of the reference zoo. */
export const ZOO_ARCHITECTURES = ['fashion-cnn', 'fashion-mlp'] as const;
export type ZooArchitecture = (typeof ZOO_ARCHITECTURES)[number];

/** The images and classes an architecture is built for; default Fashion-MNIST's [1, 28, 28] and 10. */
export interface ArchitectureShape {
  /** Image shape [C, H, W]. */
  readonly input: readonly [number, number, number];
  readonly classes: number;
}

const FASHION_SHAPE: ArchitectureShape = { input: [1, 28, 28], classes: 10 };

/**
 * An untrained model of a zoo architecture, its weights drawn from `seed`: He initialisation
 * (K. He et al., "Delving Deep into Rectifiers", ICCV 2015, eq. 10: std = √(2 / fan_in)) for layers
 * followed by ReLU, LeCun's std = √(1 / fan_in) for the classifier; biases 0; BatchNormalization
 * γ = 1, β = 0 with running statistics 0 and 1. Input `input` [N, C, H, W], output `logits` [N, classes]
 * (by default [N, 1, 28, 28] and [N, 10]; other shapes train the same layers on a user's dataset).
 */
export function buildArchitecture(arch: ZooArchitecture, seed: number, shape: ArchitectureShape = FASHION_SHAPE): Model {
  const [c, h, w] = shape.input;
  if (![c, h, w, shape.classes].every((d) => Number.isInteger(d) && d >= 1) || shape.classes < 2) {
    throw new WorkersError('BAD_ARGUMENT', `an architecture needs a positive [C, H, W] and at least 2 classes, got [${shape.input.join(', ')}] and ${shape.classes}`);
  }
  if (arch === 'fashion-cnn' && (h < 4 || w < 4)) throw new WorkersError('BAD_ARGUMENT', `fashion-cnn pools twice by 2: images must be at least 4×4, got ${h}×${w}`);
  switch (arch) {
    case 'fashion-cnn':
      return fashionCnn(seed, shape);
    case 'fashion-mlp':
      return fashionMlp(seed, shape);
    default: {
      const never: never = arch;
      throw new WorkersError('BAD_ARGUMENT', `arch must be one of ${ZOO_ARCHITECTURES.join(', ')}, got ${String(never)}`);
    }
  }
}

class Init {
  private readonly rng: Rng;
  constructor(readonly b: GraphBuilder, seed: number) {
    this.rng = new Rng(seed);
  }
  normal(name: string, dims: readonly number[], std: number): string {
    const n = dims.reduce((p, d) => p * d, 1);
    return this.b.initializer(floatTensor(name, dims, Float32Array.from({ length: n }, () => this.rng.normal(0, std))));
  }
  filled(name: string, dims: readonly number[], value: number): string {
    const n = dims.reduce((p, d) => p * d, 1);
    return this.b.initializer(floatTensor(name, dims, new Float32Array(n).fill(value)));
  }
  /** Conv 3×3 (same padding) → BatchNormalization → ReLU. */
  convBlock(name: string, x: string, cin: number, cout: number): string {
    const w = this.normal(`${name}.weight`, [cout, cin, 3, 3], Math.sqrt(2 / (cin * 9)));
    const bias = this.filled(`${name}.bias`, [cout], 0);
    const conv = this.b.node('Conv', [x, w, bias], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, name);
    const bn = this.b.node('BatchNormalization', [
      conv,
      this.filled(`${name}.bn.scale`, [cout], 1),
      this.filled(`${name}.bn.bias`, [cout], 0),
      this.filled(`${name}.bn.mean`, [cout], 0),
      this.filled(`${name}.bn.var`, [cout], 1),
    ], { epsilon: 1e-5, momentum: 0.9 }, `${name}.bn`);
    return this.b.node('Relu', [bn], {}, `${name}.relu`);
  }
  /** Fully connected layer (Gemm with transB, weight [out, in]). */
  dense(name: string, x: string, cin: number, cout: number, relu: boolean): string {
    const w = this.normal(`${name}.weight`, [cout, cin], Math.sqrt((relu ? 2 : 1) / cin));
    const y = this.b.node('Gemm', [x, w, this.filled(`${name}.bias`, [cout], 0)], { transB: 1 }, name);
    return relu ? this.b.node('Relu', [y], {}, `${name}.relu`) : y;
  }
}

/**
 * fashion-cnn: two Conv3×3+BN+ReLU blocks, each followed by 2×2 max pooling (32 channels at 28×28,
 * 64 at 14×14), then a fully connected head 3136 → 128 → 10. The 401 408-weight first dense layer
 * is where low-rank factorisation pays. About 4.2M MACs per image.
 */
function fashionCnn(seed: number, shape: ArchitectureShape): Model {
  const b = new GraphBuilder({ name: 'fashion-cnn' });
  const init = new Init(b, seed);
  const [c, h, w] = shape.input;
  b.input('input', ['N', c, h, w]);
  let x = init.convBlock('conv1', 'input', c, 32);
  x = b.node('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool1');
  x = init.convBlock('conv2', x, 32, 64);
  x = b.node('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool2');
  x = b.node('Flatten', [x], { axis: 1 }, 'flatten');
  // MaxPool without padding floors: ⌊⌊H/2⌋/2⌋ = ⌊H/4⌋.
  x = init.dense('fc1', x, 64 * Math.floor(h / 4) * Math.floor(w / 4), 128, true);
  const logits = init.dense('fc2', x, 128, shape.classes, false);
  b.output(logits, ['N', shape.classes]);
  return rename(b.build(), logits);
}

/** fashion-mlp: 784 → 128 → 64 → 10 with ReLU, about 109k weights (MCU-sized). */
function fashionMlp(seed: number, shape: ArchitectureShape): Model {
  const b = new GraphBuilder({ name: 'fashion-mlp' });
  const init = new Init(b, seed);
  const [c, h, w] = shape.input;
  b.input('input', ['N', c, h, w]);
  let x = b.node('Flatten', ['input'], { axis: 1 }, 'flatten');
  x = init.dense('fc1', x, c * h * w, 128, true);
  x = init.dense('fc2', x, 128, 64, true);
  const logits = init.dense('fc3', x, 64, shape.classes, false);
  b.output(logits, ['N', shape.classes]);
  return rename(b.build(), logits);
}

/** Names the output value `logits` (GraphBuilder names values after their node). */
function rename(model: Model, value: string): Model {
  const swap = (v: string) => (v === value ? 'logits' : v);
  const g = model.graph;
  return {
    ...model,
    graph: {
      ...g,
      nodes: g.nodes.map((n) => ({ ...n, inputs: n.inputs.map(swap), outputs: n.outputs.map(swap) })),
      outputs: g.outputs.map((o) => ({ ...o, name: swap(o.name) })),
    },
  };
}
