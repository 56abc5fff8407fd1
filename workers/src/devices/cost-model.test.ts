import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { floatTensor } from '../onnx/tensor.js';
import { CATALOGUE_DEVICES, findDevice } from './catalogue.js';
import type { KernelCycles } from './cost-model.js';
import { deviceGraph } from './device-graph.js';
import type { DeviceSpec } from './device-spec.js';
import { predictLatency } from './latency-model.js';

const COSTS: KernelCycles = { conv: 2, depthwise: 7, pointwise: 5, dense: 6, border: 0, narrow: 0, perOutput: 10, elementwise: 3, perOp: 100 };

/** [1,4,8,8] → Conv 3×3 to 4 channels, pad 1 → Relu → GlobalAveragePool → [1,4,1,1]. */
function twoLayers() {
  const b = new GraphBuilder();
  const x = b.input('x', [1, 4, 8, 8]);
  const w = b.initializer(floatTensor('w', [4, 4, 3, 3], Float32Array.from({ length: 144 }, (_, i) => (i % 5) - 2)));
  const y = b.node('Relu', [b.node('Conv', [x, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'conv')], {}, 'relu');
  b.output(b.node('GlobalAveragePool', [y], {}, 'pool'), [1, 4, 1, 1]);
  return b.build();
}

const device: DeviceSpec = {
  ...findDevice('stm32h7', CATALOGUE_DEVICES),
  clockHz: 1e8,
  ramBandwidthBytesPerSecond: 1e12,
  storageBandwidthBytesPerSecond: 1e12,
  costModels: [{ stack: 'test', name: 'test stack', cycles: { fp32: COSTS }, heldOutError: 0.2, source: 'by hand' }],
};

describe('stack cost model', () => {
  it('gives a two-layer model the cycles counted by hand', () => {
    // conv: 8·8 outputs × 4 channels × (4·3·3) MACs = 9216 MACs, 256 outputs, no depthwise border,
    // 4 input channels (not narrow) → 2·9216 + 10·256 + 100 = 21 092 cycles; pool: 256 input
    // elements → 3·256 + 100 = 868 cycles; at 100 MHz 219.6 µs.
    const p = predictLatency(deviceGraph(twoLayers()), device);
    assert.ok(p.supported);
    assert.equal(p.model, 'cost-model');
    assert.ok(Math.abs(p.ms - 0.2196) < 1e-12, `${p.ms} ms`);
    assert.deepEqual(p.layers.map((l) => [l.name, Math.round(l.seconds * 1e8)]), [['conv', 21092], ['pool', 868]]);
    assert.equal(p.stack?.id, 'test');
    assert.equal(p.stack?.uncertainty, 0.2);
    assert.deepEqual(p.stack?.costs, { fp32: COSTS });
    // The roofline beside it: each layer at the spec's fp32 peak plus its per-op overhead.
    const peak = device.peakMacsPerSecond.fp32!;
    const expectedRoofline = (9216 / peak + 256 / peak + 2 * device.perOpOverheadSeconds) * 1e3;
    assert.ok(Math.abs(p.rooflineMs - expectedRoofline) < 1e-12, `${p.rooflineMs} vs ${expectedRoofline}`);
    assert.ok(p.rooflineMs < p.ms);
  });

  it('lets memory bind where moving the bytes takes longer than the instructions', () => {
    const slow: DeviceSpec = { ...device, ramBandwidthBytesPerSecond: 1e6 };
    const p = predictLatency(deviceGraph(twoLayers()), slow);
    assert.ok(p.supported);
    const conv = p.layers[0]!;
    assert.equal(conv.seconds, conv.memorySeconds);
    assert.ok(conv.memorySeconds > 21092 / 1e8);
  });

  it('costs a conv over fewer than 4 input channels as narrow, and depthwise windows on the padding as border', () => {
    // [1,3,6,6] → Conv 3×3 to 3 channels (narrow: 6·6·3·27 = 2916 MACs) → depthwise 3×3 pad 1
    // (6·6·3·9 = 972 MACs; 20 of the 36 positions touch the padding → 540 border MACs).
    const b = new GraphBuilder();
    const x = b.input('x', [1, 3, 6, 6]);
    const w1 = b.initializer(floatTensor('w1', [3, 3, 3, 3], new Float32Array(81).fill(0.1)));
    const w2 = b.initializer(floatTensor('w2', [3, 1, 3, 3], new Float32Array(27).fill(0.1)));
    const y = b.node('Conv', [x, w1], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'stem');
    b.output(b.node('Conv', [y, w2], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], group: 3 }, 'dw'), [1, 3, 6, 6]);
    const costs: KernelCycles = { conv: 100, depthwise: 1, pointwise: 100, dense: 100, border: 4, narrow: 2, perOutput: 0, elementwise: 0, perOp: 0 };
    const p = predictLatency(deviceGraph(b.build()), { ...device, costModels: [{ ...device.costModels![0]!, cycles: { fp32: costs } }] });
    assert.ok(p.supported);
    assert.deepEqual(p.layers.map((l) => [l.name, Math.round(l.seconds * 1e8)]), [['stem', 2 * 2916], ['dw', 972 + 4 * 540]]);
  });

  it('falls back to the roofline for a precision the stack has no costs for', () => {
    const int8Only: DeviceSpec = { ...device, costModels: [{ ...device.costModels![0]!, cycles: { int8: COSTS } }] };
    const p = predictLatency(deviceGraph(twoLayers()), int8Only);
    assert.ok(p.supported);
    assert.equal(p.calibrated, false);
    assert.ok(Math.abs(p.ms - p.rooflineMs) < 1e-12);
  });

  it('selects a stack by id and names the ones it has otherwise', () => {
    const l4 = findDevice('stm32l4r5', CATALOGUE_DEVICES);
    const g = deviceGraph(twoLayers());
    const vendor = predictLatency(g, l4);
    const reference = predictLatency(g, l4, { stack: 'tflm-reference' });
    assert.ok(vendor.supported && reference.supported);
    assert.equal(vendor.stack?.id, 'x-cube-ai-9');
    assert.equal(reference.stack, undefined); // the reference profile is int8 only: fp32 is a roofline
    assert.throws(() => predictLatency(g, l4, { stack: 'cmsis-9' }), /device stm32l4r5 has no cost model for stack "cmsis-9" \(it has: x-cube-ai-9, tflm-reference\)/);
  });
});
