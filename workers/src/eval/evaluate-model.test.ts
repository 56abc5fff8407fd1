import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateModel } from './evaluate-model.js';
import { tinyClassifier, tinyDataset } from '../testing/eval-models.js';
import { analyzeModel } from '../onnx/analyze-model.js';
import { readModel } from '../onnx/read-model.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { writeModel } from '../onnx/write-model.js';
import { WorkersError } from '../errors.js';

describe('evaluateModel', () => {
  const model = tinyClassifier();

  it('combines accuracy, measured host latency, file size and the static figures', async () => {
    const r = await evaluateModel(model, { dataset: tinyDataset(), latency: { warmup: 1, runs: 5 } });
    assert.deepEqual(r.accuracy, { accuracy: 5 / 7, correct: 5, count: 7 });
    assert.equal(r.latency?.source, 'MEASURED');
    assert.equal(r.latency?.ms, r.latency?.medianMs);
    assert.equal(r.latency?.runs, 5);
    assert.equal(r.modelBytes, model.length);
    // W is 4×3 with three ones, B has one non-zero of three; Gemm does 4·3 MACs per image.
    assert.equal(r.params, 15);
    assert.equal(r.nonzeroParams, 4);
    assert.equal(r.weightBytes, 15 * 4);
    assert.equal(r.macs, 12);
    assert.equal(r.peakActivationBytes, analyzeModel(readModel(model)).peakActivationBytes);
    assert.ok(r.peakActivationBytes > 0);
  });

  it('leaves out what was not asked for', async () => {
    const r = await evaluateModel(model, { latency: false });
    assert.equal('accuracy' in r, false);
    assert.equal('latency' in r, false);
    assert.equal(r.macs, 12);
    const limited = await evaluateModel(model, { dataset: tinyDataset(), limit: 4, latency: false });
    assert.deepEqual(limited.accuracy, { accuracy: 3 / 4, correct: 3, count: 4 });
  });

  it('rejects an unsupported model before running it', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['N', 1, 2, 2]);
    b.output(b.node('Tanh', [x]), ['N', 1, 2, 2]);
    await assert.rejects(evaluateModel(writeModel(b.build())), (e: unknown) => e instanceof WorkersError && e.code === 'UNSUPPORTED_OP');
  });
});
