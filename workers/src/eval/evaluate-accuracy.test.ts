import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateAccuracy } from './evaluate-accuracy.js';
import { withSession } from './session.js';
import { tinyClassifier, tinyDataset } from '../testing/eval-models.js';
import type { Dataset } from '../data/dataset.js';
import { WorkersError } from '../errors.js';

const isCode = (code: string, re: RegExp) => (e: unknown) => e instanceof WorkersError && e.code === code && re.test(e.message);

describe('evaluateAccuracy', () => {
  const model = tinyClassifier();
  const ds = tinyDataset();

  it('equals the hand-computed accuracy (5 of 7), whatever the batch size', async () => {
    for (const batchSize of [1, 3, 64]) {
      assert.deepEqual(await evaluateAccuracy(model, ds, { batchSize }), { accuracy: 5 / 7, correct: 5, count: 7 });
    }
  });

  it('evaluates only the first `limit` images', async () => {
    assert.deepEqual(await evaluateAccuracy(model, ds, { limit: 4, batchSize: 3 }), { accuracy: 3 / 4, correct: 3, count: 4 });
    assert.deepEqual(await evaluateAccuracy(model, ds, { limit: 6 }), { accuracy: 4 / 6, correct: 4, count: 6 });
    assert.equal((await evaluateAccuracy(model, ds, { limit: 100 })).count, 7);
  });

  it('gives the same answer for float pixels already scaled', async () => {
    const floats: Dataset = { ...ds, pixels: Float32Array.from(ds.pixels, (v) => v / 255), pixelScale: 1 };
    assert.equal((await evaluateAccuracy(model, floats)).correct, 5);
  });

  it('falls back to the fixed batch of a model, padding a short last batch', async () => {
    for (const batch of [1, 4]) {
      const fixed = tinyClassifier([batch, 1, 2, 2]);
      assert.deepEqual(await evaluateAccuracy(fixed, ds, { batchSize: 64 }), { accuracy: 5 / 7, correct: 5, count: 7 }, `batch ${batch}`);
    }
  });

  it('names a shape mismatch between model and dataset', async () => {
    const big: Dataset = { ...ds, shape: [1, 3, 3], pixels: new Uint8Array(7 * 9) };
    await assert.rejects(evaluateAccuracy(model, big), isCode('BAD_DATASET', /^model expects \[1,2,2\] images, dataset tiny has \[1,3,3\]$/));
  });

  it('refuses a dataset with more classes than the model outputs', async () => {
    await assert.rejects(evaluateAccuracy(model, { ...ds, classes: 5 }), isCode('BAD_DATASET', /model outputs 3 classes, dataset tiny has 5/));
  });

  it('reports ORT load failures as EVALUATION_FAILED with ORT’s message', async () => {
    await assert.rejects(evaluateAccuracy(Uint8Array.from([1, 2, 3]), ds), isCode('EVALUATION_FAILED', /onnxruntime could not load the model: .*protobuf parsing failed/));
    await assert.rejects(withSession(Uint8Array.from([8, 8]), async () => 1), isCode('EVALUATION_FAILED', /could not load/));
  });

  it('rejects bad options', async () => {
    await assert.rejects(evaluateAccuracy(model, ds, { batchSize: 0 }), isCode('BAD_ARGUMENT', /batchSize must be a positive integer, got 0/));
    await assert.rejects(evaluateAccuracy(model, ds, { limit: 2.5 }), isCode('BAD_ARGUMENT', /limit must be a positive integer, got 2.5/));
    await assert.rejects(evaluateAccuracy(model, { ...ds, count: 0, labels: new Uint8Array(0), pixels: new Uint8Array(0) }), isCode('BAD_DATASET', /dataset tiny is empty/));
  });
});
