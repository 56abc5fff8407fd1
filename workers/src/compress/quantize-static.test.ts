import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillBatch } from '../data/dataset.js';
import { DataType, type Model } from '../onnx/model.js';
import { toNumbers } from '../onnx/tensor.js';
import { quantizeStatic } from './quantize-static.js';
import { syntheticDataset } from '../testing/compress/datasets.js';
import { cnnModel, residualModel } from '../testing/compress/models.js';
import { maxAbs, maxAbsDiff, optimizedOpTypes, runModel } from '../testing/compress/run-ort.js';

const init = (m: Model, name: string) => m.graph.initializers.find((t) => t.name === name)!;

function argmaxAgreement(a: Float32Array, b: Float32Array, classes: number): number {
  let same = 0;
  for (let i = 0; i < a.length / classes; i++) {
    const row = (x: Float32Array) => x.subarray(i * classes, (i + 1) * classes);
    const am = (x: Float32Array) => x.indexOf(Math.max(...x));
    if (am(row(a)) === am(row(b))) same++;
  }
  return same / (a.length / classes);
}

describe('quantizeStatic', () => {
  const cases = [
    { name: 'CNN', model: cnnModel(), shape: [1, 28, 28] as const, fused: ['com.microsoft:QLinearConv', 'com.microsoft:QGemm'], float: ['Conv', 'Gemm'] },
    { name: 'residual CNN', model: residualModel(), shape: [1, 16, 16] as const, fused: ['com.microsoft:QLinearConv', 'com.microsoft:QLinearAdd', 'com.microsoft:QLinearGlobalAveragePool', 'com.microsoft:QGemm'], float: ['Conv', 'Add', 'Gemm'] },
  ];
  for (const c of cases) {
    for (const [symmetric, granularity] of [[true, 'per-channel'], [false, 'per-channel'], [true, 'per-tensor']] as const) {
      it(`${c.name}, ${symmetric ? 'symmetric' : 'asymmetric'} ${granularity} weights: onnxruntime fuses integer kernels; outputs stay close`, async () => {
        const calibration = syntheticDataset({ count: 400, shape: c.shape, seed: 1 });
        const r = await quantizeStatic(c.model, { weightBits: 8, granularity, symmetric, calibration, calibrationCount: 200 });
        assert.deepEqual(r.calibration, { images: 200, method: 'min-max' });
        const ops = await optimizedOpTypes(r.model);
        for (const op of c.fused) assert.ok(ops.includes(op), `${op} missing from ${ops.join(' ')}`);
        for (const op of c.float) assert.ok(!ops.includes(op), `float ${op} left in ${ops.join(' ')}`);
        // Held-out images of the same distribution.
        const test = syntheticDataset({ count: 100, shape: c.shape, seed: 2 });
        const input = fillBatch(test, Array.from({ length: 100 }, (_, i) => i));
        const dims = [100, ...c.shape];
        const [want, got] = [await runModel(c.model, input, dims), await runModel(r.model, input, dims)];
        assert.ok(maxAbsDiff(want, got) < 0.05 * maxAbs(want), `max diff ${maxAbsDiff(want, got)} of ${maxAbs(want)}`);
        assert.ok(argmaxAgreement(want, got, 10) >= 0.95);
      });
    }
  }

  it('stores weights on the grid of their width and biases at scale s_x · s_w', async () => {
    const calibration = syntheticDataset({ count: 100, shape: [1, 28, 28] });
    const r = await quantizeStatic(cnnModel(), { weightBits: 4, granularity: 'per-channel', symmetric: true, calibration });
    const codes = init(r.model, 'conv2.weight_quantized');
    assert.equal(codes.dataType, DataType.INT8);
    assert.ok(toNumbers(codes).every((v) => v >= -7 && v <= 7));
    const wScale = toNumbers(init(r.model, 'conv2.weight_scale'));
    const biasScale = toNumbers(init(r.model, 'conv2.bias_scale'));
    assert.equal(init(r.model, 'conv2.bias_quantized').dataType, DataType.INT32);
    // The input of conv2 is the MaxPool output, which shares the scale of bn1's (folded ReLU) output.
    const q = r.model.graph.nodes.find((n) => n.opType === 'DequantizeLinear' && n.outputs[0] === r.model.graph.nodes.find((m) => m.name === 'conv2')!.inputs[0])!;
    const sx = toNumbers(init(r.model, q.inputs[1]!))[0]!;
    biasScale.forEach((s, c) => assert.equal(s, Math.fround(sx * wScale[c]!)));
    // Input [0, 1] pixels: zero point 0, scale max/255.
    const inputScale = r.model.graph.nodes.find((n) => n.opType === 'QuantizeLinear' && n.inputs[0] === 'input')!;
    assert.equal(toNumbers(init(r.model, inputScale.inputs[2]!))[0], 0);
    assert.ok(toNumbers(init(r.model, inputScale.inputs[1]!))[0]! <= 1 / 255 + 1e-9);
  });

  it('folds ReLU into the quantized range and keeps MaxPool/Flatten on shared parameters', async () => {
    const calibration = syntheticDataset({ count: 100, shape: [1, 28, 28] });
    const r = await quantizeStatic(cnnModel(), { weightBits: 8, granularity: 'per-tensor', symmetric: true, calibration });
    assert.deepEqual(r.foldedBatchNorms, ['bn1', 'bn2']);
    assert.ok(!r.model.graph.nodes.some((n) => n.opType === 'Relu' || n.opType === 'BatchNormalization'));
    const qOf = (v: string) => r.model.graph.nodes.find((n) => n.opType === 'QuantizeLinear' && n.inputs[0] === v)!;
    const pool = r.model.graph.nodes.filter((n) => n.opType === 'MaxPool')[0]!;
    const input = r.model.graph.nodes.find((n) => n.outputs[0] === pool.inputs[0])!;
    assert.equal(toNumbers(init(r.model, qOf(pool.outputs[0]!).inputs[1]!))[0], toNumbers(init(r.model, input.inputs[1]!))[0]);
  });
});
