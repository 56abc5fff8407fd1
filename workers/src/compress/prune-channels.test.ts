import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intAttr } from '../onnx/attributes.js';
import { analyzeModel } from '../onnx/analyze-model.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { floatTensor, int64Tensor } from '../onnx/tensor.js';
import { readModel } from '../onnx/read-model.js';
import { writeModel } from '../onnx/write-model.js';
import { channelsRemoved, pruneChannels } from './prune-channels.js';
import { maskedOriginal } from '../testing/compress/masked-original.js';
import { cnnModel, mlpModel, randomInput, residualModel } from '../testing/compress/models.js';
import { maxAbs, maxAbsDiff, runModel } from '../testing/compress/run-ort.js';

describe('pruneChannels', () => {
  const cases = [
    { name: 'CNN: Conv→BN→ReLU→MaxPool, Flatten→Gemm', model: cnnModel(), dims: [4, 1, 28, 28], groups: 3 },
    { name: 'residual: Add-coupled convs, depthwise conv, per-channel Mul, GlobalAveragePool', model: residualModel(), dims: [4, 1, 16, 16], groups: 2 },
    { name: 'MLP: Gemm → MatMul', model: mlpModel(), dims: [4, 64], groups: 1 },
  ];
  for (const c of cases) {
    for (const criterion of ['l1', 'l2'] as const) {
      it(`computes the masked original, smaller (${c.name}, ${criterion})`, async () => {
        const r = pruneChannels(c.model, { ratio: 0.25, criterion });
        assert.equal(r.groups.length, c.groups);
        for (const g of r.groups) {
          assert.equal(g.removed.length, channelsRemoved(g.channels, 0.25));
          assert.equal(g.kept.length + g.removed.length, g.channels);
        }
        const input = randomInput(c.dims, 4);
        const want = await runModel(maskedOriginal(c.model, r.groups), input, c.dims);
        const got = await runModel(r.model, input, c.dims);
        assert.ok(maxAbsDiff(got, want) <= 1e-5 * Math.max(1, maxAbs(want)), `max diff ${maxAbsDiff(got, want)}`);
        const [before, after] = [analyzeModel(c.model), analyzeModel(r.model)];
        assert.ok(after.params < before.params && after.macs < before.macs);
        assert.deepEqual(after.outputs[0]!.dims, before.outputs[0]!.dims);
      });
    }
  }

  it('removes the channels of smallest L1 norm and the matching Flatten blocks', () => {
    const r = pruneChannels(cnnModel(), { ratio: 0.5 });
    const conv2 = r.groups.find((g) => g.producers.includes('conv2'))!;
    const w = cnnModel().graph.initializers.find((t) => t.name === 'conv2.weight')!.data as Float32Array;
    const norms = Array.from({ length: 32 }, (_, c) => w.subarray(c * 144, (c + 1) * 144).reduce((s, v) => s + Math.abs(v), 0));
    const smallest = [...norms.keys()].sort((a, b) => norms[a]! - norms[b]!).slice(0, 16).sort((a, b) => a - b);
    assert.deepEqual([...conv2.removed], smallest);
    const dims = (name: string) => r.model.graph.nodes.find((n) => n.name === name)!.inputs.map((i) => r.model.graph.initializers.find((t) => t.name === i)?.dims);
    assert.deepEqual(dims('conv2')[1], [16, 8, 3, 3]);
    assert.deepEqual(dims('bn2')[1], [16]);
    assert.deepEqual(dims('fc1')[1], [64, 16 * 49]);
    assert.deepEqual(dims('fc2')[1], [10, 64]);
  });

  it('never prunes the classifier, prunes Add-coupled convs as one group', () => {
    const r = pruneChannels(residualModel(), { ratio: 0.5 });
    assert.deepEqual(r.groups.map((g) => [...g.producers].sort()), [['block', 'stem'], ['pw']]);
    assert.deepEqual(r.blocked, [{ producers: ['fc'], reason: '"fc" is a classifier output layer' }]);
    const dw = r.model.graph.nodes.find((n) => n.name === 'dw')!;
    assert.equal(intAttr(dw, 'group', 0), 4);
  });

  it('ratio 0 keeps the model computing the same outputs', async () => {
    const input = randomInput([2, 1, 16, 16], 2);
    const r = pruneChannels(residualModel(), { ratio: 0 });
    assert.deepEqual(await runModel(r.model, input, [2, 1, 16, 16]), await runModel(residualModel(), input, [2, 1, 16, 16]));
  });

  it('prunes the inputs of a Concat each at its offset, shrinks a Reshape to [N, features], and reports what it cannot prune', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['N', 2, 6, 6]);
    const conv = (name: string, cin: number, cout: number, input: string) =>
      b.node('Conv', [input, b.initializer(floatTensor(`${name}.w`, [cout, cin, 3, 3], Float32Array.from({ length: cout * cin * 9 }, (_, i) => Math.sin(i + cout)))) ], { pads: [1, 1, 1, 1] }, name);
    const a = conv('a', 2, 6, x);
    const c = conv('c', 2, 4, x);
    const cat = b.node('Concat', [a, c], { axis: 1 });
    const flat = b.node('Reshape', [b.node('Relu', [conv('d', 10, 8, cat)]), b.initializer(int64Tensor('shape', [2], [-1, 8 * 36]))]);
    b.output(b.node('Gemm', [flat, b.initializer(floatTensor('fc.w', [8 * 36, 3], Float32Array.from({ length: 8 * 36 * 3 }, (_, i) => Math.cos(i))))]), ['N', 3]);
    const model = b.build();
    const r = pruneChannels(model, { ratio: 0.25 });
    assert.deepEqual(r.groups.map((g) => g.producers), [['a'], ['c'], ['d']]);
    assert.deepEqual(r.groups.map((g) => g.consumers.map((c) => [c.node, c.offset])), [[['d', 0]], [['d', 6]], [['gemm', 0]]]);
    assert.deepEqual(r.blocked.map((s) => s.reason), ['"gemm" is a classifier output layer']);
    const d = r.model.graph.initializers.find((t) => t.name === r.model.graph.nodes.find((n) => n.name === 'd')!.inputs[1]);
    assert.deepEqual(d!.dims, [6, 4 + 3, 3, 3]);
    const input = randomInput([2, 2, 6, 6], 2);
    const got = await runModel(r.model, input, [2, 2, 6, 6]);
    const want = await runModel(maskedOriginal(model, r.groups), input, [2, 2, 6, 6]);
    assert.ok(maxAbsDiff(got, want) <= 1e-5 * Math.max(1, maxAbs(want)));
  });

  it('names a bad ratio', () => {
    assert.throws(() => pruneChannels(cnnModel(), { ratio: -0.1 }), { code: 'BAD_RECIPE', message: 'prune.ratio must be in [0, 1), got -0.1' });
  });

  it('prunes convs whose bias an exporter routed through Identity (a shared constant); a computed bias blocks, naming the conv', async () => {
    // PyTorch's exporter shares equal constants between layers through Identity nodes.
    const b = new GraphBuilder({ opset: 13 });
    const x = b.input('x', ['N', 1, 6, 6]);
    const bias = b.node('Identity', [b.initializer(floatTensor('bias', [6], [0.1, -0.2, 0.3, 0, 0.05, -0.1]))], {}, 'shared');
    const conv = (name: string, cin: number, input: string) =>
      b.node('Relu', [b.node('Conv', [input, b.initializer(floatTensor(`${name}.w`, [6, cin, 3, 3], Float32Array.from({ length: 6 * cin * 9 }, (_, i) => Math.sin(i + cin)))), bias], { pads: [1, 1, 1, 1] }, name)]);
    const h = conv('c2', 6, conv('c1', 1, x));
    b.output(b.node('Gemm', [b.node('Flatten', [h]), b.initializer(floatTensor('fc.w', [3, 216], Float32Array.from({ length: 648 }, (_, i) => Math.cos(i))))], { transB: 1 }), ['N', 3]);
    const exported = writeModel(b.build());
    const raw = pruneChannels(readModel(exported, { normalize: false }), { ratio: 0.5 });
    assert.deepEqual(raw.blocked.map((s) => s.reason).slice(0, 2), ['the bias of "c1" is not a constant', 'the bias of "c2" is not a constant']);
    const model = readModel(exported);
    const r = pruneChannels(model, { ratio: 0.5 });
    assert.deepEqual(r.groups.map((g) => [g.producers, g.kept.length]), [[['c1'], 3], [['c2'], 3]]);
    const input = randomInput([2, 1, 6, 6], 2);
    const want = await runModel(maskedOriginal(model, r.groups), input, [2, 1, 6, 6]);
    assert.ok(maxAbsDiff(await runModel(r.model, input, [2, 1, 6, 6]), want) <= 1e-5 * Math.max(1, maxAbs(want)));
  });
});
