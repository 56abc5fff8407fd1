import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataType, defaultOpset, type FloatTensor, type Model } from '../onnx/model.js';
import { readModel } from '../onnx/read-model.js';
import { floatTensor, toNumbers } from '../onnx/tensor.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { writeModel } from '../onnx/write-model.js';
import { modelWeights, WEIGHT_BITS_METADATA_KEY } from '../devices/model-weights.js';
import { inferShapes } from '../onnx/shape-inference.js';
import { inputLayers, weightLayers } from './graph/layers.js';
import { dequantizeTensor, quantRange } from './math/quant-params.js';
import { quantizeWeights, weightCodes } from './quantize-weights.js';
import { cnnModel, mlpModel, randomInput } from '../testing/compress/models.js';
import { maxAbs, maxAbsDiff, runModel } from '../testing/compress/run-ort.js';
import { formulaDequantized, simulatedReference } from '../testing/compress/quant-reference.js';

const CNN_DIMS = [3, 1, 28, 28];

/** The deploy format's view of a model's constants (the devices' `modelWeights`). */
function deployed(model: Model) {
  const weights = modelWeights(model, inferShapes(model));
  return { bytes: weights.reduce((s, w) => s + w.bytes, 0), tensors: weights };
}

describe('quantizeWeights', () => {
  const model = cnnModel();
  const input = randomInput(CNN_DIMS, 3);
  const fp32Bytes = writeModel(model).length;

  for (const bits of [8, 4, 3, 2, 1] as const) {
    for (const symmetric of [true, false]) {
      for (const granularity of ['per-channel', 'per-tensor'] as const) {
        it(`${bits} bits ${symmetric ? 'symmetric' : 'asymmetric'} ${granularity}: onnxruntime computes the dequantized weights`, async () => {
          const r = quantizeWeights(model, { bits, symmetric, granularity });
          const got = await runModel(r.model, input, CNN_DIMS);
          const want = await runModel(simulatedReference(model, bits, symmetric, granularity === 'per-channel'), input, CNN_DIMS);
          assert.ok(maxAbsDiff(got, want) <= 1e-5 * Math.max(1, maxAbs(want)), `diff ${maxAbsDiff(got, want)}`);
          assert.equal(r.tensors.length, 4);
          const size = deployed(r.model).bytes;
          const container = bits === 4 ? 4 : 8;
          // Binary codes are ±1 whatever `symmetric` says; conv1 reads the input and keeps 8 bits.
          const signed = symmetric || bits === 1;
          const [conv1, ...rest] = r.tensors;
          assert.deepEqual([conv1!.weight, conv1!.bits, conv1!.storage], ['conv1.weight', 8, symmetric ? 'INT8' : 'UINT8']);
          assert.ok(rest.every((t) => t.bits === bits && t.storage === (signed ? `INT${container}` : `UINT${container}`)));
          // Codes, plus float32 biases, BatchNorm parameters, scales and the protobuf framing.
          assert.ok(writeModel(r.model).length < fp32Bytes * (container === 8 ? 0.26 : 0.135));
          // Codes at b bits (2-bit ternary codes pack as 1 bit plus the bitmap), plus float32 biases
          // and BatchNorm parameters (378 values), scales and zero points (186 each). The deploy
          // format stores codes as offsets from their zero point, so per-channel asymmetric codes
          // below 8 bits can take one bit more there.
          const widest = symmetric || bits === 1 || granularity === 'per-tensor' || bits >= 4 ? bits : bits + 1;
          const weights = weightLayers(model).reduce((s, l) => s + l.weight.data.length, 0) - 144;
          const entries = deployed(r.model).tensors.filter((t) => t.name.endsWith('weight_quantized') && t.name !== 'conv1.weight_quantized');
          assert.ok(entries.length === 3 && entries.every((t) => t.bits <= widest), entries.map((t) => t.bits).join(' '));
          assert.ok(size <= Math.ceil((weights * widest) / 8) + 144 + 378 * 4 + 186 * 5, `deploy ${size}`);
        });
      }
    }
  }

  it('keeps the layers reading the input at 8 bits unless told otherwise', () => {
    const all4 = quantizeWeights(model, { bits: 4, symmetric: true, granularity: 'per-channel', firstLayerBits: 0 });
    assert.ok(all4.tensors.every((t) => t.bits === 4 && t.storage === 'INT4'));
    // Through Flatten, the MLP's first Gemm is a first layer too.
    const b = new GraphBuilder();
    const x = b.input('x', ['N', 1, 2, 2]);
    const w = b.initializer(floatTensor('w', [4, 3], Float32Array.from({ length: 12 }, (_, i) => i - 5)));
    const v = b.initializer(floatTensor('v', [3, 2], Float32Array.from({ length: 6 }, (_, i) => i - 2)));
    b.output(b.node('MatMul', [b.node('MatMul', [b.node('Flatten', [x]), w], {}, 'first'), v], {}, 'second'), ['N', 2]);
    const mlp = b.build();
    assert.deepEqual([...inputLayers(mlp)].map((n) => n.name), ['first']);
    assert.deepEqual(quantizeWeights(mlp, { bits: 3, symmetric: true, granularity: 'per-tensor' }).tensors.map((t) => t.bits), [8, 3]);
  });

  it('stores 8-bit codes on the grid and dequantizes within half a step', () => {
    const r = quantizeWeights(model, { bits: 8, symmetric: false, granularity: 'per-channel' });
    const codes = r.model.graph.initializers.find((t) => t.name === 'fc1.weight_quantized')!;
    assert.equal(codes.dataType, DataType.UINT8);
    const original = model.graph.initializers.find((t) => t.name === 'fc1.weight') as FloatTensor;
    const scale = toNumbers(r.model.graph.initializers.find((t) => t.name === 'fc1.weight_scale')!);
    const zp = toNumbers(r.model.graph.initializers.find((t) => t.name === 'fc1.weight_zero_point')!);
    const range = quantRange(8, false);
    const q = toNumbers(codes);
    // Gemm weight [128, 1568] with transB = 1: channel = row.
    for (let i = 0; i < q.length; i++) {
      const c = Math.floor(i / 1568);
      assert.ok(q[i]! >= range.qmin && q[i]! <= range.qmax);
      assert.ok(Math.abs(scale[c]! * (q[i]! - zp[c]!) - original.data[i]!) <= scale[c]! / 2 + 1e-7);
    }
  });

  it('writes 4-bit weights packed, at opset 21 and IR 10, and reads them back', () => {
    const r = quantizeWeights(model, { bits: 4, symmetric: true, granularity: 'per-channel' });
    assert.equal(defaultOpset(r.model), 21);
    assert.equal(r.model.irVersion, 10);
    const bytes = writeModel(r.model);
    const back = readModel(bytes);
    const codes = back.graph.initializers.find((t) => t.name === 'fc1.weight_quantized')!;
    assert.equal(codes.dataType, DataType.INT4);
    assert.deepEqual(codes.data, r.model.graph.initializers.find((t) => t.name === 'fc1.weight_quantized')!.data);
    assert.ok(toNumbers(codes).every((v) => v >= -7 && v <= 7));
  });

  it('rounds to float16 at 16 bits and leaves the model alone at 32', async () => {
    const half = quantizeWeights(mlpModel(), { bits: 16, symmetric: true, granularity: 'per-tensor' });
    assert.ok(half.tensors.every((t) => t.maxError > 0 && t.maxError < 1e-3));
    assert.equal(deployed(half.model).tensors.find((t) => t.name === 'fc1.weight')!.bytes, 64 * 48 * 2);
    assert.equal(JSON.parse(half.model.metadata[WEIGHT_BITS_METADATA_KEY]!)['fc1.weight'], 16);
    assert.equal(quantizeWeights(model, { bits: 32, symmetric: true, granularity: 'per-tensor' }).model, model);
  });

  it('keeps pruned zeros zero and counts sparse weights with a bitmap', () => {
    const w = model.graph.initializers.find((t) => t.name === 'fc1.weight') as FloatTensor;
    const sparse = w.data.map((v, i) => (i % 10 === 0 ? v : 0));
    const pruned = { ...model, graph: { ...model.graph, initializers: model.graph.initializers.map((t) => (t === w ? floatTensor(w.name, w.dims, sparse) : t)) } };
    for (const bits of [8, 4, 3, 1] as const) {
      const values = dequantizeTensor(weightCodes(floatTensor(w.name, w.dims, sparse), { bits, symmetric: false, axis: 0 }));
      assert.ok(sparse.every((v, i) => v !== 0 || values[i] === 0), `${bits} bits: a pruned weight came back nonzero`);
      const r = quantizeWeights(pruned, { bits, symmetric: false, granularity: 'per-channel' });
      const entry = deployed(r.model).tensors.find((t) => t.name.startsWith('fc1.weight'))!;
      assert.equal(entry.format, 'bitmap');
      // Small weights may round to the zero code too.
      assert.equal(entry.nonzero, values.filter((v) => v !== 0).length, `${bits} bits`);
    }
  });

  it('fits the range to include zero when a channel\'s weights all have one sign', () => {
    // Row 0 all positive, row 1 all negative: without widening [min, max] to 0 the codes would
    // spend their range elsewhere and zero (a pruned weight) would not be representable. The
    // stored codes, scales and zero points are checked against the formula directly.
    const values = Float32Array.from({ length: 12 }, (_, i) => (i < 6 ? 0.5 + 0.1 * i : -0.2 - 0.3 * (i - 6)));
    const b = new GraphBuilder();
    const x = b.input('x', ['N', 6]);
    b.output(b.node('Gemm', [b.node('Relu', [x]), b.initializer(floatTensor('w', [2, 6], values))], { transB: 1 }), ['N', 2]);
    const tiny = b.build();
    for (const bits of [8, 4, 3] as const) {
      for (const granularity of ['per-channel', 'per-tensor'] as const) {
        const r = quantizeWeights(tiny, { bits, symmetric: false, granularity, firstLayerBits: 0 });
        const init = (name: string) => toNumbers(r.model.graph.initializers.find((t) => t.name === name)!);
        const [q, scale, zp] = [init('w_quantized'), init('w_scale'), init('w_zero_point')];
        const got = q.map((code, i) => Math.fround(scale[scale.length === 1 ? 0 : Math.floor(i / 6)]! * (code - zp[zp.length === 1 ? 0 : Math.floor(i / 6)]!)));
        const want = formulaDequantized(values, [2, 6], { bits, symmetric: false, axis: granularity === 'per-channel' ? 0 : undefined });
        assert.deepEqual([...got], [...want], `${bits} bits ${granularity}`);
      }
    }
  });

  it('refuses per-channel quantization of a model below opset 13, saying why', () => {
    const old = { ...model, opsetImports: [{ domain: '', version: 11 }] };
    assert.throws(() => quantizeWeights(old, { bits: 8, symmetric: true, granularity: 'per-channel' }), {
      code: 'BAD_MODEL',
      message: /8-bit per-channel weight quantization needs opset ≥ 13; the model has opset 11/,
    });
  });
});
