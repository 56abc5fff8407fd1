// Tiny models and datasets shared by the evaluation tests (not exported from the package).
import type { Dataset } from '../data/dataset.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import type { Dim } from '../onnx/model.js';
import { floatTensor } from '../onnx/tensor.js';
import { writeModel } from '../onnx/write-model.js';

/**
 * A linear classifier over 1×2×2 images: Flatten, then Gemm with W = [I₃; 0] (4×3) and bias
 * (0, 0, 0.1), so logit k = pixel k for k < 3, plus 0.1 on class 2; pixel 3 is ignored.
 */
export function tinyClassifier(inputDims: readonly Dim[] = ['N', 1, 2, 2]): Uint8Array {
  const b = new GraphBuilder({ name: 'tiny' });
  const x = b.input('image', inputDims);
  const flat = b.node('Flatten', [x], { axis: 1 });
  const w = b.initializer(floatTensor('W', [4, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]));
  const bias = b.initializer(floatTensor('B', [3], [0, 0, 0.1]));
  const logits = b.node('Gemm', [flat, w, bias]);
  b.output(logits, [inputDims[0] ?? 'N', 3]);
  return writeModel(b.build());
}

/**
 * Seven images for `tinyClassifier`, with the prediction worked out by hand (logits ×255):
 *
 * | # | pixels            | logits ×255        | predicted | label | correct |
 * |---|-------------------|--------------------|-----------|-------|---------|
 * | 0 | 200, 10, 10, 255  | 200, 10, 35.5      | 0         | 0     | yes     |
 * | 1 | 10, 200, 10, 0    | 10, 200, 35.5      | 1         | 1     | yes     |
 * | 2 | 10, 10, 200, 0    | 10, 10, 225.5      | 2         | 2     | yes     |
 * | 3 | 10, 10, 200, 0    | 10, 10, 225.5      | 2         | 0     | no      |
 * | 4 | 50, 50, 10, 0     | 50, 50, 35.5       | 0 (tie)   | 0     | yes     |
 * | 5 | 50, 50, 10, 0     | 50, 50, 35.5       | 0 (tie)   | 2     | no      |
 * | 6 | 0, 0, 1, 0        | 0, 0, 26.5         | 2         | 2     | yes     |
 *
 * 5 of 7 correct (4 if ties went to the highest index); the first 4 images: 3 correct; the first 6: 4.
 */
export function tinyDataset(): Dataset {
  return {
    name: 'tiny',
    shape: [1, 2, 2],
    classes: 3,
    count: 7,
    pixels: Uint8Array.from([200, 10, 10, 255, 10, 200, 10, 0, 10, 10, 200, 0, 10, 10, 200, 0, 50, 50, 10, 0, 50, 50, 10, 0, 0, 0, 1, 0]),
    pixelScale: 1 / 255,
    labels: Uint8Array.from([0, 1, 2, 0, 0, 2, 2]),
  };
}
