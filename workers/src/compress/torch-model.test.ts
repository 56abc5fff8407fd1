// A model from another tool: compress a PyTorch export (fixtures/torch-resnet.onnx, see
// fixtures/export-torch-resnet.py) by every technique and check each result in onnxruntime.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fillBatch } from '../data/dataset.js';
import type { Model } from '../onnx/model.js';
import { readModel } from '../onnx/read-model.js';
import { compress } from './compress.js';
import { constantsToInitializers, nameNodes } from './graph/edit.js';
import { pruneChannels } from './prune-channels.js';
import { syntheticDataset } from '../testing/compress/datasets.js';
import { maskedOriginal } from '../testing/compress/masked-original.js';
import { simulatedReference } from '../testing/compress/quant-reference.js';
import { maxAbs, maxAbsDiff, optimizedOpTypes, runModel } from '../testing/compress/run-ort.js';

const torchModel = (): Model => readModel(readFileSync(new URL('../../src/compress/fixtures/torch-resnet.onnx', import.meta.url)));
const images = syntheticDataset({ count: 300, shape: [1, 28, 28], seed: 8 });
const input = fillBatch(images, Array.from({ length: 40 }, (_, i) => 200 + i));
const DIMS = [40, 1, 28, 28];

describe('compressing a PyTorch-exported model', () => {
  it('channel pruning couples the residual block, keeps the classifier, and computes the masked original', async () => {
    const model = constantsToInitializers(nameNodes(torchModel()));
    const r = pruneChannels(model, { ratio: 0.5 });
    // The stem and the block's first conv meet at the residual Add (the depthwise conv between
    // them follows the channels); the last Gemm is the classifier.
    assert.deepEqual(
      r.groups.map((g) => [...g.producers]),
      [['/stem/stem.0/Conv', '/block/conv1/Conv'], ['/head/head.0/Conv'], ['/fc1/Gemm']],
    );
    assert.deepEqual(r.blocked, [{ producers: ['/fc2/Gemm'], reason: '"/fc2/Gemm" is a classifier output layer' }]);
    const want = await runModel(maskedOriginal(model, r.groups), input, DIMS);
    const got = await runModel(r.model, input, DIMS);
    assert.ok(maxAbsDiff(got, want) <= 1e-5 * Math.max(1, maxAbs(want)));
  });

  it('static int8 fuses every conv (depthwise and ReLU6 included), the Add and the Gemms into integer kernels', async () => {
    const r = await compress(torchModel(), { quant: { weightBits: 8, activationBits: 8, granularity: 'per-channel', symmetric: true } }, { fit: images, calibrationCount: 200 });
    const ops = await optimizedOpTypes(readModel(r.bytes));
    assert.equal(ops.filter((o) => o === 'com.microsoft:QLinearConv').length, 4);
    assert.equal(ops.filter((o) => o === 'com.microsoft:QGemm').length, 2);
    assert.ok(ops.includes('com.microsoft:QLinearAdd'));
    assert.ok(!ops.some((o) => o === 'Conv' || o === 'Gemm' || o === 'Add'), ops.join(' '));
    const [want, got] = [await runModel(torchModel(), input, DIMS), await runModel(r.bytes, input, DIMS)];
    assert.ok(maxAbsDiff(want, got) < 0.05 * maxAbs(want));
  });

  for (const [bits, granularity, symmetric] of [[4, 'per-channel', true], [3, 'per-tensor', false]] as const) {
    it(`${bits}-bit ${granularity} weights: onnxruntime computes the model with weights r = s(q − z)`, async () => {
      const r = await compress(torchModel(), { quant: { weightBits: bits, activationBits: 32, granularity, symmetric } });
      const reference = simulatedReference(constantsToInitializers(nameNodes(torchModel())), bits, symmetric, granularity === 'per-channel');
      const [got, want] = [await runModel(r.bytes, input, DIMS), await runModel(reference, input, DIMS)];
      assert.ok(maxAbsDiff(got, want) <= 1e-5 * Math.max(1, maxAbs(want)), `diff ${maxAbsDiff(got, want)}`);
      assert.ok(r.report.after.deployBytes < r.report.before.deployBytes / 6);
    });
  }

  for (const recipe of [
    { lowRank: { rankRatio: 0.5 } },
    { prune: { ratio: 0.7, structure: 'unstructured', scope: 'layer' } },
  ] as const) {
    it(`${JSON.stringify(recipe)}: a smaller model that loads and runs`, async () => {
      const r = await compress(torchModel(), recipe);
      const out = await runModel(r.bytes, input, DIMS);
      assert.ok(out.length === 400 && out.every(Number.isFinite));
      assert.ok(r.report.after.deployBytes < r.report.before.deployBytes);
    });
  }
});
