import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetFromBytes, loadDataset, type NamedBytes } from './user-dataset.js';
import { encodeIdx } from './idx.js';
import { encodeNpy } from './npy.js';
import { fillBatch } from './dataset.js';
import type { NdArray } from './nd-array.js';
import { WorkersError } from '../errors.js';

const idx = (name: string, a: NdArray): NamedBytes => ({ name, bytes: encodeIdx(a) });
const npy = (name: string, a: NdArray): NamedBytes => ({ name, bytes: encodeNpy(a) });
const imagesU8 = idx('train-images.idx', { dtype: 'uint8', shape: [3, 2, 2], data: Uint8Array.from([0, 51, 102, 255, 1, 2, 3, 4, 5, 6, 7, 8]) });
const labelsU8 = idx('train-labels.idx', { dtype: 'uint8', shape: [3], data: Uint8Array.from([2, 0, 1]) });

function rejects(f: () => unknown, file: string, problem: RegExp): void {
  assert.throws(f, (e: unknown) => e instanceof WorkersError && e.code === 'BAD_DATASET' && e.message.startsWith(`${file}: `) && problem.test(e.message));
}

describe('datasetFromBytes', () => {
  it('builds a uint8 [N,H,W] IDX dataset scaled by 1/255', () => {
    const ds = datasetFromBytes({ images: imagesU8, labels: labelsU8 });
    assert.deepEqual(
      { name: ds.name, shape: ds.shape, classes: ds.classes, count: ds.count, scale: ds.pixelScale, labels: [...ds.labels] },
      { name: 'train-images.idx', shape: [1, 2, 2], classes: 3, count: 3, scale: 1 / 255, labels: [2, 0, 1] },
    );
    assert.deepEqual(fillBatch(ds, [0]), Float32Array.from([0, 51 / 255, 102 / 255, 1]));
  });

  it('builds a float32 [N,C,H,W] .npy dataset with int64 labels, values as-is', () => {
    const pixels = Float32Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i / 4 - 1);
    const ds = datasetFromBytes({
      images: npy('x.npy', { dtype: 'float32', shape: [2, 3, 2, 2], data: pixels }),
      labels: npy('y.npy', { dtype: 'int64', shape: [2], data: BigInt64Array.from([9n, 4n]) }),
      classes: 10,
      name: 'mine',
    });
    assert.deepEqual([ds.name, ds.shape, ds.classes, ds.pixelScale, [...ds.labels]], ['mine', [3, 2, 2], 10, 1, [9, 4]]);
    assert.deepEqual(fillBatch(ds, [1]), pixels.subarray(12));
  });

  it('mixes formats and converts float64 images to float32', () => {
    const ds = datasetFromBytes({
      images: npy('x.npy', { dtype: 'float64', shape: [3, 1, 2], data: Float64Array.from([0.5, 1, 1.5, 2, 2.5, 3]) }),
      labels: labelsU8,
    });
    assert.ok(ds.pixels instanceof Float32Array);
    assert.deepEqual([...ds.pixels], [0.5, 1, 1.5, 2, 2.5, 3]);
  });

  it('names each problem and the file it is in', () => {
    const labels = (data: NdArray['data'], dtype: NdArray['dtype'] = 'uint8', shape = [data.length]) =>
      npy('y.npy', { dtype, shape, data });
    rejects(() => datasetFromBytes({ images: imagesU8, labels: labels(Uint8Array.from([1, 2])) }), 'y.npy', /label count 2 ≠ image count 3 in train-images.idx/);
    rejects(() => datasetFromBytes({ images: imagesU8, labels: labels(Uint8Array.from([1, 2, 3])), classes: 3 }), 'y.npy', /label 3 of image 2 is outside 0 … 2/);
    rejects(() => datasetFromBytes({ images: imagesU8, labels: labels(Int32Array.from([1, -1, 0]), 'int32') }), 'y.npy', /label -1 of image 1 is outside 0 … 255/);
    rejects(() => datasetFromBytes({ images: imagesU8, labels: labels(Float32Array.from([1, 2, 0]), 'float32') }), 'y.npy', /labels dtype float32 is not supported/);
    rejects(() => datasetFromBytes({ images: imagesU8, labels: labels(Uint8Array.from([1, 2, 0]), 'uint8', [3, 1]) }), 'y.npy', /labels must have shape \[N\], got \[3, 1\]/);
    const int32Images = npy('x.npy', { dtype: 'int32', shape: [3, 2, 2], data: new Int32Array(12) });
    rejects(() => datasetFromBytes({ images: int32Images, labels: labelsU8 }), 'x.npy', /images dtype int32 is not supported/);
    const flat = npy('x.npy', { dtype: 'uint8', shape: [3, 4], data: new Uint8Array(12) });
    rejects(() => datasetFromBytes({ images: flat, labels: labelsU8 }), 'x.npy', /images must have shape \[N, H, W\] or \[N, C, H, W\], got \[3, 4\]/);
    const nhwc = npy('x.npy', { dtype: 'uint8', shape: [3, 8, 8, 3], data: new Uint8Array(3 * 8 * 8 * 3) });
    rejects(() => datasetFromBytes({ images: nhwc, labels: labelsU8 }), 'x.npy', /images shape \[3, 8, 8, 3\] looks channels-last/);
    const nan = npy('x.npy', { dtype: 'float32', shape: [3, 1, 1], data: Float32Array.from([0, Number.NaN, 1]) });
    rejects(() => datasetFromBytes({ images: nan, labels: labelsU8 }), 'x.npy', /pixel 1 is NaN; images must be finite/);
    const empty = npy('x.npy', { dtype: 'uint8', shape: [0, 2, 2], data: new Uint8Array(0) });
    rejects(() => datasetFromBytes({ images: empty, labels: labels(new Uint8Array(0)) }), 'x.npy', /holds no pixels/);
    rejects(() => datasetFromBytes({ images: { name: 'x.png', bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47]) }, labels: labelsU8 }), 'x.png', /wrong magic \(89 50 4e 47\): neither IDX/);
    assert.throws(() => datasetFromBytes({ images: imagesU8, labels: labelsU8, classes: 300 }), /classes must be an integer in 1 … 256, got 300/);
  });
});

describe('loadDataset', () => {
  it('reads the two files from disk, and names a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontier-userdata-'));
    try {
      const imagesPath = join(dir, 'images.idx');
      const labelsPath = join(dir, 'labels.npy');
      writeFileSync(imagesPath, imagesU8.bytes);
      writeFileSync(labelsPath, encodeNpy({ dtype: 'int64', shape: [3], data: BigInt64Array.from([1n, 1n, 0n]) }));
      const ds = loadDataset({ imagesPath, labelsPath });
      assert.deepEqual([ds.name, ds.count, ds.classes, [...ds.labels]], ['images.idx', 3, 2, [1, 1, 0]]);
      assert.deepEqual([...ds.pixels], [...imagesU8.bytes.subarray(16)]);
      const missing = join(dir, 'nope.npy');
      rejects(() => loadDataset({ imagesPath, labelsPath: missing }), missing, /cannot read: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
