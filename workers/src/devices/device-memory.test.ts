import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeModel } from '../onnx/analyze-model.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { DataType, type Model } from '../onnx/model.js';
import { floatTensor, makeTensor } from '../onnx/tensor.js';
import { CATALOGUE_DEVICES, findDevice } from './catalogue.js';
import { deviceGraph, deviceGraphFor } from './device-graph.js';
import { deviceMemory } from './device-memory.js';
import { modelWeights } from './model-weights.js';
import { inferShapes } from '../onnx/shape-inference.js';

const mcu = findDevice('stm32h7', CATALOGUE_DEVICES); // weights execute in place from flash
const board = findDevice('rpi4', CATALOGUE_DEVICES); // weights loaded into RAM
const seq = (n: number, f: (i: number) => number) => Float32Array.from({ length: n }, (_, i) => f(i));

/** x[1,1,4,4] → Conv 3×3 pad 1 (2 ch) → Relu → MaxPool 2×2 → Flatten → Gemm 8→3. */
function smallCnn(): Model {
  const b = new GraphBuilder();
  const x = b.input('x', [1, 1, 4, 4]);
  const w = b.initializer(floatTensor('w', [2, 1, 3, 3], seq(18, (i) => (i + 1) / 10)));
  const bias = b.initializer(floatTensor('b', [2], [0.1, 0.2]));
  const c = b.node('Conv', [x, w, bias], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv');
  const r = b.node('Relu', [c], {}, 'relu');
  const p = b.node('MaxPool', [r], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool');
  const f = b.node('Flatten', [p], { axis: 1 }, 'flatten');
  const fw = b.initializer(floatTensor('fw', [8, 3], seq(24, (i) => i - 11.5)));
  const fb = b.initializer(floatTensor('fb', [3], [1, 2, 3]));
  b.output(b.node('Gemm', [f, fw, fb], {}, 'fc'), [1, 3]);
  return b.build();
}

const CODES = [1, -2, 3, -4, 5, -6, 7, -7, 6, -5, 4, -3, 2, -1, 1, 2, 3, 4]; // 4-bit range, no zeros

describe('device memory', () => {
  it('fp32 CNN: fused peak and weights by hand', () => {
    // Layers: conv+relu reads x (16 floats, 64 B) and writes [1,2,4,4] (128 B) → 192 B live;
    // pool: 128 + 32 = 160 B; fc: 32 + 12 = 44 B. Peak 192 B at conv.
    // Weights: 18 + 2 + 24 + 3 floats = 47 × 4 = 188 B.
    const model = smallCnn();
    const graph = deviceGraph(model);
    assert.deepEqual(graph.layers.map((l) => `${l.name}:${l.kind}.${l.precision}`), ['conv:conv.fp32', 'pool:pool.fp32', 'fc:dense.fp32']);
    const onMcu = deviceMemory(graph, mcu);
    assert.equal(onMcu.activationPeakBytes, 192);
    assert.equal(onMcu.peakLayer, 'conv');
    assert.equal(onMcu.weightBytes, 188);
    assert.equal(onMcu.ramWeightBytes, 0);
    assert.equal(onMcu.peakRamBytes, 192);
    assert.equal(onMcu.storageBytes, 188);
    const onBoard = deviceMemory(graph, board);
    assert.equal(onBoard.peakRamBytes, 192 + 188);
    // Unfused, the Relu's output (128 B) would be live beside the Conv's: 256 B.
    assert.equal(analyzeModel(model).peakActivationBytes, 256);
  });

  it('QDQ int8: activations count one byte, 4-bit codes count packed', () => {
    // x → Q → DQ → Conv(DQ(codes)) → Q → DQ → output. Layers: quantize (x 64 B + 16 B),
    // conv int8 (16 + 32), the output dequantize (32 + 128 fp32) → peak 160 B at the last one.
    const b = new GraphBuilder();
    const x = b.input('x', [1, 1, 4, 4]);
    const s = b.initializer(floatTensor('s', [], [0.1]));
    const z = b.initializer(makeTensor('z', DataType.UINT8, [], Uint8Array.of(128)));
    const xq = b.node('QuantizeLinear', [x, s, z], {}, 'quant_in');
    const xd = b.node('DequantizeLinear', [xq, s, z], {}, 'dq_in');
    const codes = b.initializer(makeTensor('codes', DataType.INT8, [2, 1, 3, 3], Int8Array.from(CODES)));
    const ws = b.initializer(floatTensor('ws', [], [0.02]));
    const wz = b.initializer(makeTensor('wz', DataType.INT8, [], Int8Array.of(0)));
    const w = b.node('DequantizeLinear', [codes, ws, wz], {}, 'dq_w');
    const c = b.node('Conv', [xd, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv');
    const s2 = b.initializer(floatTensor('s2', [], [0.2]));
    const z2 = b.initializer(makeTensor('z2', DataType.UINT8, [], Uint8Array.of(0)));
    const cq = b.node('QuantizeLinear', [c, s2, z2], {}, 'quant_out');
    b.output(b.node('DequantizeLinear', [cq, s2, z2], {}, 'dq_out'), [1, 2, 4, 4]);
    const graph = deviceGraph(b.build());
    assert.deepEqual(graph.layers.map((l) => `${l.name}:${l.kind}.${l.precision}`), ['quant_in:quantize.int8', 'conv:conv.int8', 'dq_out:quantize.int8']);
    const m = deviceMemory(graph, mcu);
    assert.equal(m.activationPeakBytes, 160);
    assert.equal(m.peakLayer, 'dq_out');
    // codes: 18 × 4 bits = 9 B; scales 3 × 4 B; zero points 3 × 1 B (z2 and wz are zero: 1 B either way).
    assert.equal(m.weightBytes, 9 + 12 + 3);
    const conv = graph.layers[1]!;
    assert.equal(conv.activationBytes, 16 + 32);
    // Its codes, scale and zero point, and the scales and zero points of its input and output.
    assert.equal(conv.weightBytes, 9 + 4 + 1 + 2 * (4 + 1));
  });

  it('drops a QuantizeLinear that undoes a DequantizeLinear around a view', () => {
    // x → Q → DQ → Flatten → Q (same scale, zero point) → DQ → Gemm(int8 codes): runtimes keep the
    // codes and run one quantize layer and one int8 dense layer.
    const b = new GraphBuilder();
    const x = b.input('x', [1, 2, 2, 2]);
    const s = b.initializer(floatTensor('s', [], [0.1]));
    const z = b.initializer(makeTensor('z', DataType.UINT8, [], Uint8Array.of(0)));
    const s2 = b.initializer(floatTensor('s2', [], [0.1]));
    const z2 = b.initializer(makeTensor('z2', DataType.UINT8, [], Uint8Array.of(0)));
    const xd = b.node('DequantizeLinear', [b.node('QuantizeLinear', [x, s, z], {}, 'quant_in'), s, z], {}, 'dq_in');
    const f = b.node('Flatten', [xd], { axis: 1 }, 'flatten');
    const fd = b.node('DequantizeLinear', [b.node('QuantizeLinear', [f, s2, z2], {}, 'requant'), s2, z2], {}, 'dq_flat');
    const codes = b.initializer(makeTensor('codes', DataType.INT8, [8, 2], Int8Array.from({ length: 16 }, (_, i) => i - 8 || 1)));
    const w = b.node('DequantizeLinear', [codes, b.initializer(floatTensor('ws', [], [0.01]))], {}, 'dq_w');
    b.output(b.node('Gemm', [fd, w], {}, 'fc'), [1, 2]);
    const graph = deviceGraph(b.build());
    assert.deepEqual(graph.layers.map((l) => `${l.name}:${l.kind}.${l.precision}`), ['quant_in:quantize.int8', 'fc:dense.int8']);
    assert.deepEqual(graph.layers[1]!.inputs, ['quant_in_out']);
  });

  it('weight-only int8: a float copy where weights are loaded, decoding in the kernel where they stay in flash', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 1, 4, 4]);
    const codes = b.initializer(makeTensor('codes', DataType.INT8, [2, 1, 3, 3], Int8Array.from(CODES)));
    const ws = b.initializer(floatTensor('ws', [], [0.02]));
    const wz = b.initializer(makeTensor('wz', DataType.INT8, [], Int8Array.of(0)));
    const w = b.node('DequantizeLinear', [codes, ws, wz], {}, 'dq_w');
    const c = b.node('Conv', [x, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv');
    b.output(b.node('Relu', [c], {}, 'relu'), [1, 2, 4, 4]);
    const model = b.build();
    // Loaded (rpi4): dq_w writes 18 floats (72 B) just before the conv, which then has x (64 B),
    // the copy (72 B) and its output (128 B) live: 264 B, plus the 14 B of weights in RAM.
    const copy = deviceGraphFor(model, board);
    assert.equal(copy.weightDecoding, 'copy');
    assert.deepEqual(copy.layers.map((l) => `${l.name}:${l.kind}.${l.precision}`), ['dq_w:quantize.fp32', 'conv:conv.fp32']);
    const loaded = deviceMemory(copy, board);
    assert.equal(loaded.activationPeakBytes, 264);
    assert.equal(loaded.peakRamBytes, 264 + 9 + 4 + 1);
    // In place (stm32h7): the conv streams the 4-bit codes from flash and decodes them, no copy:
    // 64 + 128 B live, and 18 decode operations on top of its 288 MACs.
    const inKernel = deviceGraphFor(model, mcu);
    assert.deepEqual(inKernel.layers.map((l) => `${l.name}:${l.kind}.${l.precision}`), ['conv:conv.fp32']);
    assert.deepEqual(inKernel.layers[0]!.nodes, ['dq_w', 'conv', 'relu']);
    assert.equal(inKernel.layers[0]!.work, 288 + 18);
    assert.equal(inKernel.layers[0]!.weightBytes, 9 + 4 + 1);
    const inPlace = deviceMemory(inKernel, mcu);
    assert.equal(inPlace.activationPeakBytes, 192);
    assert.equal(inPlace.storageBytes, 9 + 4 + 1);
  });

  it('sparse weights count their bitmap; sub-byte containers count their real width', () => {
    // fc.w: 32 floats of which 8 nonzero → bitmap 4 B + 8 × 4 B = 36 B instead of 128 B dense.
    const b = new GraphBuilder();
    const x = b.input('x', [1, 8]);
    const w = b.initializer(floatTensor('fc.w', [8, 4], seq(32, (i) => (i % 4 === 0 ? i + 1 : 0))));
    const codes = b.initializer(makeTensor('fc2.codes', DataType.INT8, [4, 2], Int8Array.of(1, -1, 1, 0, -1, 1, 0, 1)));
    const s = b.initializer(floatTensor('fc2.s', [], [0.5]));
    const h = b.node('Gemm', [x, w], {}, 'fc');
    const w2 = b.node('DequantizeLinear', [codes, s], {}, 'dq');
    b.output(b.node('Gemm', [h, w2], {}, 'fc2'), [1, 2]);
    const model = b.build();
    const weights = new Map(modelWeights(model, inferShapes(model)).map((t) => [t.name, t]));
    assert.deepEqual({ ...weights.get('fc.w')! }, { name: 'fc.w', elements: 32, bits: 32, nonzero: 8, bytes: 36, format: 'bitmap', denseBytes: 128 });
    // Binary codes (±1, two zeros): 1 bit each behind a bitmap: 1 B + ⌈6 / 8⌉ B.
    assert.deepEqual({ ...weights.get('fc2.codes')! }, { name: 'fc2.codes', elements: 8, bits: 1, nonzero: 6, bytes: 2, format: 'bitmap', denseBytes: 1 });
    // Flash holds the deploy form; a board that loads the weights holds them dense.
    const graph = deviceGraph(model);
    assert.equal(deviceMemory(graph, mcu).storageBytes, 36 + 2 + 4);
    assert.equal(deviceMemory(graph, board).ramWeightBytes, 128 + 1 + 4);
  });

  it('a declared width in the metadata counts fake-quantized float weights packed', () => {
    const model = smallCnn();
    const declared: Model = { ...model, metadata: { 'frontier.weight_bits': JSON.stringify({ fw: 4 }) } };
    const fw = modelWeights(declared, inferShapes(declared)).find((t) => t.name === 'fw')!;
    assert.equal(fw.bits, 4);
    assert.equal(fw.bytes, 12);
    assert.throws(() => modelWeights({ ...model, metadata: { 'frontier.weight_bits': '{"fw": 40}' } }, inferShapes(model)), /bits of "fw" must be an integer in \[1, 32\], got 40/);
  });
});
