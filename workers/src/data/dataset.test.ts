import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { datasetDigest, fillBatch, imageSize, subset, type Dataset } from './dataset.js';
import { WorkersError } from '../errors.js';

const ds: Dataset = {
  name: 'three',
  shape: [1, 1, 2],
  classes: 2,
  count: 3,
  pixels: Uint8Array.from([0, 255, 51, 102, 10, 20]),
  pixelScale: 1 / 255,
  labels: Uint8Array.from([1, 0, 1]),
};

describe('dataset helpers', () => {
  it('fillBatch scales pixels into a reused buffer, in index order', () => {
    const out = new Float32Array(8);
    const batch = fillBatch(ds, [2, 0], out);
    assert.equal(batch.buffer, out.buffer);
    assert.deepEqual(batch, Float32Array.from([10 / 255, 20 / 255, 0, 1]));
    assert.throws(() => fillBatch(ds, [3]), (e: unknown) => e instanceof WorkersError && /image index 3 is outside three \(0 … 2\)/.test(e.message));
  });

  it('subset copies the chosen images and labels', () => {
    const s = subset(ds, [1, 1, 0], 'pick');
    assert.deepEqual([s.name, s.count, [...s.pixels], [...s.labels], imageSize(s)], ['pick', 3, [51, 102, 51, 102, 0, 255], [0, 0, 1], 2]);
  });

  it('datasetDigest depends on content, not on the name or the backing buffer', () => {
    const d = datasetDigest(ds);
    assert.match(d, /^[0-9a-f]{64}$/);
    assert.equal(datasetDigest({ ...ds, name: 'other' }), d);
    assert.equal(datasetDigest(subset(ds, [0, 1, 2])), d);
    assert.notEqual(datasetDigest({ ...ds, labels: Uint8Array.from([1, 0, 0]) }), d);
    assert.notEqual(datasetDigest({ ...ds, pixelScale: 1 }), d);
  });
});
