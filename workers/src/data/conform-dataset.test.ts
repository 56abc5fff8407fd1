import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkersError } from '../errors.js';
import { conformDataset, inputLayout } from './conform-dataset.js';
import { fillBatch, type Dataset } from './dataset.js';

/** Two 3×2×2 RGB images; pixel value = 100·image + 10·channel + position. */
const rgb: Dataset = {
  name: 'rgb',
  shape: [3, 2, 2],
  classes: 2,
  count: 2,
  pixels: Uint8Array.from({ length: 24 }, (_, i) => 100 * Math.floor(i / 12) + 10 * Math.floor((i % 12) / 4) + (i % 4)),
  pixelScale: 1,
  labels: Uint8Array.from([0, 1]),
};

describe('inputLayout and conformDataset', () => {
  it('reads NCHW and NHWC inputs, symbolic dims included', () => {
    assert.deepEqual(inputLayout([3, 32, 32], ['N', 3, 32, 32]), { layout: 'NCHW', channels: 3 });
    assert.deepEqual(inputLayout([3, 32, 32], [1, 32, 32, 3]), { layout: 'NHWC', channels: 3 });
    assert.deepEqual(inputLayout([3, 32, 32], ['N', 'C', 'H', 'W']), { layout: 'NCHW', channels: 3 });
    assert.deepEqual(inputLayout([3, 32, 32], ['N', 'H', 'W', 3]), { layout: 'NHWC', channels: 3 });
    assert.deepEqual(inputLayout([1, 28, 28], ['N', 3, 28, 28]), { layout: 'NCHW', channels: 3 });
  });

  it('names both shapes when the model cannot take the images', () => {
    const refuses = (pattern: RegExp) => (e: unknown) => e instanceof WorkersError && e.code === 'BAD_DATASET' && pattern.test(e.message);
    assert.throws(() => inputLayout([3, 32, 32], ['N', 3, 224, 224]), refuses(/model's input \[N, 3, 224, 224\] does not take the dataset's images \[3, 32, 32\] \(C, H, W\): the image size 32×32 differs/));
    assert.throws(() => inputLayout([3, 32, 32], ['N', 4, 32, 32]), refuses(/3 channels cannot become the model's/));
    assert.throws(() => inputLayout([3, 32, 32], ['N', 3072]), refuses(/4-d input/));
  });

  it('converts gray ↔ RGB and lays images out for NHWC', () => {
    assert.equal(conformDataset(rgb, ['N', 3, 2, 2]), rgb);
    const nhwc = conformDataset(rgb, ['N', 2, 2, 3]);
    assert.deepEqual(nhwc.shape, [2, 2, 3]);
    assert.deepEqual([...nhwc.pixels.subarray(0, 6)], [0, 10, 20, 1, 11, 21]);
    const gray = conformDataset(rgb, ['N', 1, 2, 2]);
    // BT.601: 0.299·0 + 0.587·10 + 0.114·20 = 8.15 → 8 at position 0 of image 0.
    assert.deepEqual([...gray.pixels.subarray(0, 2)], [8, 9]);
    const back = conformDataset({ ...gray, name: 'gray' }, ['N', 3, 2, 2]);
    assert.deepEqual([...back.pixels.subarray(0, 12)], [8, 9, 10, 11, 8, 9, 10, 11, 8, 9, 10, 11]);
  });

  it('standardises per channel in either layout', () => {
    const normalized: Dataset = { ...rgb, normalize: { mean: [0, 10, 20], std: [1, 2, 4] } };
    const nchw = fillBatch(normalized, [1]);
    assert.deepEqual([...nchw.subarray(0, 2)], [100, 101]);
    assert.deepEqual([...nchw.subarray(4, 6)], [50, 50.5]);
    const nhwc = fillBatch(conformDataset(normalized, ['N', 2, 2, 3]), [1]);
    assert.deepEqual([...nhwc.subarray(0, 3)], [100, 50, 25]);
  });
});
