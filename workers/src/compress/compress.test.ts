import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillBatch } from '../data/dataset.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { readModel } from '../onnx/read-model.js';
import { floatTensor } from '../onnx/tensor.js';
import { compress } from './compress.js';
import { modelFigures } from './model-figures.js';
import type { Recipe } from '../recipe/recipe.js';
import { simulatedReference } from '../testing/compress/quant-reference.js';
import { syntheticDataset } from '../testing/compress/datasets.js';
import { cnnModel } from '../testing/compress/models.js';
import { maxAbs, maxAbsDiff, runModel } from '../testing/compress/run-ort.js';

const fit = syntheticDataset({ count: 600, shape: [1, 28, 28], seed: 3 });
const test = syntheticDataset({ count: 50, shape: [1, 28, 28], seed: 4 });
const input = fillBatch(test, Array.from({ length: 50 }, (_, i) => i));
const DIMS = [50, 1, 28, 28];

describe('compress', () => {
  it('returns an equivalent model for the identity recipe', async () => {
    const model = cnnModel();
    const r = await compress(model, {});
    assert.deepEqual(r.report.stages, []);
    assert.deepEqual(r.report.after, r.report.before);
    assert.deepEqual(await runModel(r.bytes, input, DIMS), await runModel(model, input, DIMS));
  });

  it('applies lowRank → channel prune → distill → int8 static, each stage shrinking the model', async () => {
    const recipe: Recipe = {
      lowRank: { rankRatio: 0.5 },
      prune: { ratio: 0.25, structure: 'channel' },
      distill: { temperature: 4, alpha: 0.7, epochs: 0.5, layers: 'all' },
      quant: { weightBits: 8, activationBits: 8, granularity: 'per-channel', symmetric: true },
    };
    const r = await compress(cnnModel(), recipe, { fit, calibrationCount: 200 });
    assert.deepEqual(r.report.stages.map((s) => s.stage), ['lowRank', 'prune', 'distill', 'quant']);
    const [lowRank, prune, , quant] = r.report.stages.map((s) => s.after);
    const before = r.report.before;
    assert.ok(lowRank!.params < before.params && lowRank!.macs < before.macs);
    assert.ok(prune!.params < lowRank!.params && prune!.macs < lowRank!.macs);
    assert.ok(quant!.fileBytes < prune!.fileBytes / 3);
    assert.ok(quant!.deployBytes < prune!.deployBytes / 3);
    assert.ok(quant!.peakActivationBytes < prune!.peakActivationBytes / 3);
    assert.deepEqual(r.report.after, modelFigures(readModel(r.bytes)));
    const out = await runModel(r.bytes, input, DIMS);
    assert.equal(out.length, 500);
    assert.ok(out.every(Number.isFinite));
    for (const s of r.report.stages) assert.ok(s.summary.length > 0 && s.seconds >= 0);
  });

  it('keeps unstructured pruning zeros through distillation and quantization, and counts them sparse', async () => {
    const recipe: Recipe = {
      prune: { ratio: 0.8, structure: 'unstructured' },
      distill: { temperature: 2, alpha: 0.5, epochs: 0.25, layers: 2 },
      quant: { weightBits: 4, activationBits: 32, granularity: 'per-channel', symmetric: true },
    };
    const r = await compress(cnnModel(), recipe, { fit });
    const [prune, distill, quant] = r.report.stages.map((s) => s.after);
    assert.ok(distill!.nonzeroParams <= prune!.nonzeroParams);
    assert.ok(quant!.nonzeroParams <= distill!.nonzeroParams);
    assert.ok(prune!.nonzeroParams < 0.25 * r.report.before.params);
    // 4-bit codes with a bitmap: about 0.2·4/8 + 1/8 bytes per weight, against 4.
    assert.ok(quant!.deployBytes < r.report.before.deployBytes / 10, `${quant!.deployBytes} vs ${r.report.before.deployBytes}`);
    // The last stage is exactly weight quantization of what the others produced: the same recipe
    // without `quant` (same data and seed) gives the float model, and its weights quantized by the
    // formula give the same outputs to float rounding.
    const float = await compress(cnnModel(), { prune: recipe.prune, distill: recipe.distill }, { fit });
    const reference = simulatedReference(readModel(float.bytes), 4, true, true);
    const [got, want] = [await runModel(r.bytes, input, DIMS), await runModel(reference, input, DIMS)];
    assert.ok(maxAbsDiff(got, want) <= 1e-5 * Math.max(1, maxAbs(want)), `diff ${maxAbsDiff(got, want)}`);
  });

  it('is deterministic: the same recipe, data and seed give the same bytes', async () => {
    const recipe: Recipe = {
      prune: { ratio: 0.5, structure: 'unstructured' },
      distill: { temperature: 3, alpha: 0.5, epochs: 0.2, layers: 'all' },
      quant: { weightBits: 8, activationBits: 8, granularity: 'per-channel', symmetric: true },
    };
    const [a, b] = [await compress(cnnModel(), recipe, { fit, seed: 5, calibrationCount: 100 }), await compress(cnnModel(), recipe, { fit, seed: 5, calibrationCount: 100 })];
    assert.deepEqual(a.bytes, b.bytes);
  });

  it('names a bad recipe, missing data and unsupported operators', async () => {
    await assert.rejects(compress(cnnModel(), { prune: { ratio: 1, structure: 'channel' } }), { code: 'BAD_RECIPE', message: 'prune.ratio must be in [0, 1), got 1' });
    await assert.rejects(compress(cnnModel(), { lowRank: { rankRatio: 0 } }), { code: 'BAD_RECIPE', message: 'lowRank.rankRatio must be in (0, 1], got 0' });
    await assert.rejects(compress(cnnModel(), { quant: { weightBits: 0 } } as unknown as Recipe), { code: 'BAD_RECIPE', message: /quant.weightBits .* got 0/ });
    await assert.rejects(compress(cnnModel(), { distill: { temperature: 2, alpha: 0.5, epochs: 1, layers: 'all' } }), { code: 'BAD_ARGUMENT', message: /pass data.fit/ });
    await assert.rejects(compress(cnnModel(), { distill: { temperature: 2, alpha: 0.5, epochs: 1, layers: 9 } }, { fit }), { code: 'BAD_RECIPE', message: /^distill.layers must be an integer in \[1, 4\], got 9$/ });
    const b = new GraphBuilder();
    const x = b.input('x', ['N', 4]);
    b.output(b.node('Tanh', [b.node('MatMul', [x, b.initializer(floatTensor('w', [4, 4], new Float32Array(16)))])]), ['N', 4]);
    await assert.rejects(compress(b.build(), {}), { code: 'UNSUPPORTED_OP', message: /Tanh/ });
  });
});
