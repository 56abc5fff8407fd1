// Tiny seeded models for the gradient checks: one operator under test, wrapped so its input and
// its parameters all train, flattened into logits for the loss.
import { Rng } from '../../data/rng.js';
import { DataType, type Model } from '../../onnx/model.js';
import { GraphBuilder } from '../../onnx/graph-builder.js';
import { makeTensor } from '../../onnx/tensor.js';
import { inferShapes } from '../../onnx/shape-inference.js';
import type { FloatType } from '../../train/emitter.js';
import type { Feed } from '../../train/ort-session.js';

export interface TinyCase {
  readonly model: Model;
  readonly trainable: string[];
  readonly data: Record<string, Feed>;
  readonly labels: Feed;
  readonly teacher: Feed;
}

export interface TinyBuild {
  readonly b: GraphBuilder;
  /** The (trainable) input of the op under test: the data plus a trainable offset. */
  readonly x: string;
  /** A trainable parameter with normal(0, scale) values. */
  param(name: string, dims: readonly number[], scale?: number, offset?: number): string;
  /** A constant (non-trainable) initializer of the float type. */
  constant(name: string, dims: readonly number[], values: readonly number[]): string;
  readonly dtype: FloatType;
}

/**
 * A model `data [N, ...] + offset → build(...) → Flatten → logits`, its trainable parameters and
 * seeded data, one-hot labels and teacher logits. The offset (shaped like one image) is trainable,
 * so its gradient is the sum over the batch of the op's input gradient: every rule's dX is checked.
 */
export function tinyCase(options: {
  readonly dtype: FloatType;
  readonly input: readonly number[];
  readonly seed: number;
  readonly build: (t: TinyBuild) => string;
  readonly opset?: number;
  /** Declare the batch dimension as a number instead of a symbol (the rows need not be images). */
  readonly fixedBatch?: boolean;
  /**
   * `spread`: every image holds distinct values 0.05 apart (shuffled) and the offset starts near 0,
   * so float32 finite differences with h = 1e-2 never swap a max-pool window's maximum.
   */
  readonly data?: 'normal' | 'spread';
}): TinyCase {
  const rng = new Rng(options.seed);
  const { dtype } = options;
  const b = new GraphBuilder({ name: 'tiny', opset: options.opset ?? 17 });
  const array = (n: number, f: () => number) => (dtype === DataType.DOUBLE ? Float64Array.from({ length: n }, f) : Float32Array.from({ length: n }, f));
  const count = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);
  const trainable: string[] = [];
  const param = (name: string, dims: readonly number[], scale = 0.5, offset = 0) => {
    b.initializer(makeTensor(name, dtype, dims, array(count(dims), () => offset + rng.normal(0, scale))));
    trainable.push(name);
    return name;
  };
  const constant = (name: string, dims: readonly number[], values: readonly number[]) =>
    b.initializer(makeTensor(name, dtype, dims, dtype === DataType.DOUBLE ? Float64Array.from(values) : Float32Array.from(values)));
  const [n, ...image] = options.input as [number, ...number[]];
  b.input('data', [options.fixedBatch ? n : 'N', ...image], dtype);
  const spread = options.data === 'spread';
  const x = b.node('Add', ['data', param('offset', [1, ...image], spread ? 1e-3 : 0.1)]);
  const y = options.build({ b, x, param, constant, dtype });
  const logits = b.node('Flatten', [y], { axis: 1 });
  b.output(logits, ['N', null], dtype);
  const model = b.build();
  const values = array(n * count(image), () => rng.normal(0, 1));
  if (spread) {
    const size = count(image);
    for (let i = 0; i < n; i++) {
      const order = rng.shuffle(Int32Array.from({ length: size }, (_, k) => k));
      for (let k = 0; k < size; k++) values[i * size + k] = (order[k]! - size / 2) * 0.05;
    }
  }
  const data = { data: { data: values, dims: [n, ...image] } };
  const [rows, classes] = inferShapes(model, { batch: n }).values.get(logits)!.dims as [number, number];
  const oneHot = array(rows * classes, () => 0);
  for (let i = 0; i < rows; i++) oneHot[i * classes + rng.int(classes)] = 1;
  const teacher = array(rows * classes, () => rng.normal(0, 2));
  return { model, trainable, data, labels: { data: oneHot, dims: [rows, classes] }, teacher: { data: teacher, dims: [rows, classes] } };
}
