// Models as PyTorch exports them: one tiny model per torchvision classifier family (see
// test/fixtures/make-torchvision-family-fixtures.py), each read, inspected, evaluated and compressed by
// every technique, and every result run in onnxruntime.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fillBatch } from '../data/dataset.js';
import { analyzeModel } from '../onnx/analyze-model.js';
import { readModel } from '../onnx/read-model.js';
import { compress } from './compress.js';
import { pruneChannels } from './prune-channels.js';
import { syntheticDataset } from '../testing/compress/datasets.js';
import { maskedOriginal } from '../testing/compress/masked-original.js';
import { maxAbs, maxAbsDiff, runModel } from '../testing/compress/run-ort.js';
import type { Recipe } from '../recipe/recipe.js';

const FAMILIES = [
  { file: 'tv-resnet.onnx', opset: 13, ops: ['Conv', 'MaxPool', 'Add', 'GlobalAveragePool', 'Reshape', 'Gemm'] },
  { file: 'tv-mobilenetv2.onnx', opset: 14, ops: ['Conv', 'Clip', 'Add', 'GlobalAveragePool', 'Flatten', 'Gemm'] },
  { file: 'tv-mobilenetv3.onnx', opset: 15, ops: ['HardSwish', 'HardSigmoid', 'Mul', 'GlobalAveragePool', 'Gemm'] },
  { file: 'tv-mobilenetv3-op13.onnx', opset: 13, ops: ['HardSigmoid', 'Mul', 'Relu', 'Gemm'] },
  { file: 'tv-efficientnet.onnx', opset: 16, ops: ['Conv', 'Sigmoid', 'Mul', 'GlobalAveragePool', 'Gemm'] },
  { file: 'tv-squeezenet.onnx', opset: 17, ops: ['Conv', 'Concat', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'Flatten'] },
  { file: 'tv-shufflenet.onnx', opset: 13, ops: ['Slice', 'Concat', 'Reshape', 'Transpose', 'GlobalAveragePool', 'Gemm'] },
  { file: 'tv-shufflenet-b1.onnx', opset: 13, ops: ['Slice', 'Concat', 'Reshape', 'Transpose', 'Gemm'] },
] as const;

// Exporter forms that normalization removes on load.
const EXPORTER_ONLY = ['Shape', 'Gather', 'Unsqueeze', 'Cast', 'Div', 'ConstantOfShape', 'Constant', 'Pad', 'Dropout', 'Identity', 'ReduceMean'];

const fixture = (file: string) => readFileSync(new URL(`../../../test/fixtures/${file}`, import.meta.url));
const images = syntheticDataset({ count: 48, shape: [1, 28, 28], seed: 11 });
const N = 6;
const input = fillBatch(images, Int32Array.from({ length: N }, (_, i) => i));

/** The original file run one image at a time (a batch-1 export takes nothing else). */
async function originalOutputs(bytes: Uint8Array): Promise<Float32Array> {
  const rows: Float32Array[] = [];
  for (let i = 0; i < N; i++) rows.push(await runModel(bytes, input.slice(i * 784, (i + 1) * 784), [1, 1, 28, 28]));
  return Float32Array.from(rows.flatMap((r) => [...r]));
}

const RECIPES: readonly Recipe[] = [
  { lowRank: { rankRatio: 0.5 } },
  { prune: { ratio: 0.5, structure: 'unstructured' } },
  { prune: { ratio: 0.5, structure: 'unstructured', criterion: 'lamp' } },
  { distill: { temperature: 2, alpha: 0.5, epochs: 1, layers: 'all' } },
  { quant: { weightBits: 4, activationBits: 32, granularity: 'per-channel', symmetric: true } },
  { quant: { weightBits: 8, activationBits: 8, granularity: 'per-channel', symmetric: true } },
];

for (const family of FAMILIES) {
  describe(`PyTorch export: ${family.file} (opset ${family.opset})`, () => {
    const bytes = fixture(family.file);

    it('loads with a free batch, its exporter forms normalized, and computes what the file computes', async () => {
      const model = readModel(bytes);
      const ops = new Set(model.graph.nodes.map((n) => n.opType));
      for (const op of family.ops) assert.ok(ops.has(op), `${op} expected among ${[...ops].join(', ')}`);
      for (const op of EXPORTER_ONLY) assert.ok(!ops.has(op), `${op} left in the normalized graph`);
      assert.equal(model.graph.inputs[0]!.shape![0], 'batch');
      const want = await originalOutputs(bytes);
      const got = await runModel(model, input, [N, 1, 28, 28]);
      assert.ok(maxAbsDiff(got, want) <= 1e-5 * Math.max(1, maxAbs(want)), `max diff ${maxAbsDiff(got, want)}`);
    });

    it('inspects: every Conv and Gemm can be pruned, quantized and distilled', () => {
      const a = analyzeModel(readModel(bytes));
      assert.deepEqual(a.outputs[0]!.dims, [1, 10]);
      const layers = a.nodes.filter((n) => n.opType === 'Conv' || n.opType === 'Gemm');
      assert.ok(layers.length >= 5);
      for (const n of layers) for (const t of ['prune', 'quantWeights', 'distill'] as const) assert.ok(n.techniques.includes(t), `${n.name} lacks ${t}`);
      assert.ok(a.params > 1000 && a.macs > 10_000 && a.peakActivationBytes > 0);
    });

    it('channel pruning removes channels where it can, names the node that blocks the rest, and computes the masked original', async () => {
      const model = readModel(bytes);
      const r = pruneChannels(model, { ratio: 0.25 });
      assert.ok(r.groups.some((g) => g.removed.length > 0), 'some channels removed');
      for (const b of r.blocked) assert.match(b.reason, /"[^"]+"/, 'a blocked group names a node');
      const want = await runModel(maskedOriginal(model, r.groups), input, [N, 1, 28, 28]);
      const got = await runModel(r.model, input, [N, 1, 28, 28]);
      assert.ok(maxAbsDiff(got, want) <= 1e-4 * Math.max(1, maxAbs(want)), `max diff ${maxAbsDiff(got, want)}`);
    });

    for (const recipe of RECIPES) {
      it(`compress ${JSON.stringify(recipe)}: the result runs on a batch and the stage says what it did`, async () => {
        const r = await compress(readModel(bytes), recipe, { fit: images, calibrationCount: 32 });
        const out = await runModel(r.bytes, input, [N, 1, 28, 28]);
        assert.equal(out.length, N * 10);
        assert.ok(out.every(Number.isFinite));
        const d = r.report.stages[0]!.details;
        if (d.kind === 'lowRank') assert.ok(d.factorized.length > 0 && d.skipped.every((s) => s.reason.length > 0));
        if (d.kind === 'pruneUnstructured') assert.ok(Math.abs(d.sparsity - 0.5) < 0.01);
        if (d.kind === 'distill') assert.equal(d.history.length, 1);
        if (d.kind === 'quantWeights') assert.equal(d.tensors.length, readModel(bytes).graph.nodes.filter((n) => n.opType === 'Conv' || n.opType === 'Gemm').length);
        if (d.kind === 'quantStatic') assert.ok(d.integerNodes.length >= 5);
        if (recipe.quant || recipe.lowRank || recipe.prune) assert.ok(r.report.after.deployBytes < r.report.before.deployBytes);
      });
    }
  });
}
