import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { DataType } from '../onnx/model.js';
import { floatTensor, makeTensor } from '../onnx/tensor.js';
import { CATALOGUE_DEVICES, findDevice } from './catalogue.js';
import { deviceGraph } from './device-graph.js';
import { deviceMemory } from './device-memory.js';
import { predictLatency } from './latency-model.js';

/** a, b → Q → DQ → Add → Relu → Q → DQ → out, all [1,16,8,8]; `qdq: false` leaves out every Q/DQ. */
function residualJoin(qdq: boolean) {
  const b = new GraphBuilder();
  const s = b.initializer(floatTensor('s', [], [0.1]));
  const z = b.initializer(makeTensor('z', DataType.INT8, [], Int8Array.of(0)));
  const wrap = (v: string, name: string) => (qdq ? b.node('DequantizeLinear', [b.node('QuantizeLinear', [v, s, z], {}, `${name}.q`), s, z], {}, `${name}.dq`) : v);
  const a = wrap(b.input('a', [1, 16, 8, 8]), 'a');
  const c = wrap(b.input('b', [1, 16, 8, 8]), 'b');
  const y = wrap(b.node('Relu', [b.node('Add', [a, c], {}, 'add')], {}, 'relu'), 'out');
  b.output(y, [1, 16, 8, 8]);
  return b.build();
}

describe('QDQ-aware precision', () => {
  it('runs an Add → Relu between DequantizeLinear and QuantizeLinear as one int8 layer', () => {
    const g = deviceGraph(residualJoin(true));
    const add = g.layers.find((l) => l.name === 'add')!;
    assert.equal(add.precision, 'int8');
    assert.deepEqual(add.nodes, ['add', 'relu', 'out.q']);
    // Reads the two int8 codes and writes int8: 3 × 1024 bytes.
    assert.equal(add.activationBytes, 3 * 1024);
    // The float build of the same join: one fp32 layer, 3 × 4096 bytes.
    const f = deviceGraph(residualJoin(false)).layers;
    assert.deepEqual(f.map((l) => [l.name, l.precision, l.activationBytes]), [['add', 'fp32', 3 * 4096]]);
  });

  it('counts the int8 join in memory at one byte per value', () => {
    const mcu = findDevice('stm32h7', CATALOGUE_DEVICES);
    const q = deviceMemory(deviceGraph(residualJoin(true)), mcu);
    const f = deviceMemory(deviceGraph(residualJoin(false)), mcu);
    assert.equal(f.activationPeakBytes, 3 * 4096);
    // The peak is now the quantization of the first float input (both float inputs live, plus its
    // int8 copy); the join itself holds 3 × 1024 bytes.
    assert.equal(q.activationPeakBytes, 2 * 4096 + 1024);
    assert.equal(q.peakLayer, 'a.q');
  });

  it('lets the int8-only Edge TPU run the QDQ join, and not the float one', () => {
    const tpu = findDevice('edge-tpu', CATALOGUE_DEVICES);
    const q = predictLatency(deviceGraph(residualJoin(true)), tpu);
    assert.ok(q.supported, q.supported ? '' : q.message);
    const f = predictLatency(deviceGraph(residualJoin(false)), tpu);
    assert.ok(!f.supported && f.precisions.join() === 'fp32');
  });
});
