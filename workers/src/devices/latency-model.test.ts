import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { floatTensor } from '../onnx/tensor.js';
import { CATALOGUE_DEVICES, deviceCatalogue, findDevice } from './catalogue.js';
import { deviceGraph } from './device-graph.js';
import { deviceReport } from './device-report.js';
import type { DeviceSpec } from './device-spec.js';
import { predictLatency } from './latency-model.js';
import { convNet, TEST_HOST } from '../testing/device-models.js';

const devices = deviceCatalogue(TEST_HOST);

function ms(model: ReturnType<typeof convNet>, device: DeviceSpec): number {
  const p = predictLatency(deviceGraph(model), device);
  assert.ok(p.supported, `${device.id} should run ${model.graph.name}`);
  return p.ms;
}

describe('latency model', () => {
  it('is the roofline of each layer plus its overhead, by hand', () => {
    // One Gemm 256→64: 16384 MACs, 16384 × 4 B of weights, (256 + 64) × 4 B of activations.
    const b = new GraphBuilder();
    const x = b.input('x', [1, 256]);
    const w = b.initializer(floatTensor('w', [256, 64], Float32Array.from({ length: 16384 }, (_, i) => (i % 7) + 1)));
    b.output(b.node('Gemm', [x, w], {}, 'fc'), [1, 64]);
    const graph = deviceGraph(b.build());
    const device: DeviceSpec = {
      ...findDevice('stm32h7', CATALOGUE_DEVICES),
      costModels: undefined, // the plain roofline
      peakMacsPerSecond: { fp32: 1e8 },
      ramBandwidthBytesPerSecond: 1e9,
      storageBandwidthBytesPerSecond: 1e8,
      perOpOverheadSeconds: 1e-5,
    };
    const compute = 16384 / 1e8;
    const memory = 1280 / 1e9 + 65536 / 1e8; // weights stream from flash on this device
    const p = predictLatency(graph, device);
    assert.ok(p.supported);
    assert.ok(Math.abs(p.ms - (Math.max(compute, memory) + 1e-5) * 1e3) < 1e-12);
    assert.equal(p.calibrated, false);
    assert.equal(p.source, 'PREDICTED');
    // With weights in RAM the same layer is compute-bound.
    const loaded = predictLatency(graph, { ...device, weightsInRam: true });
    assert.ok(loaded.supported && Math.abs(loaded.ms - (compute + 1e-5) * 1e3) < 1e-12);
  });

  it('sums two layers, each by hand, with and without fitted coefficients', () => {
    // Gemm 256→64 (16384 MACs, 65536 B of weights, (256 + 64) × 4 B of activations), then
    // Gemm 64→10 (640 MACs, 2560 B of weights, (64 + 10) × 4 B of activations).
    const b = new GraphBuilder();
    const x = b.input('x', [1, 256]);
    const w1 = b.initializer(floatTensor('w1', [256, 64], Float32Array.from({ length: 16384 }, (_, i) => (i % 7) + 1)));
    const w2 = b.initializer(floatTensor('w2', [64, 10], Float32Array.from({ length: 640 }, (_, i) => (i % 5) + 1)));
    b.output(b.node('Gemm', [b.node('Gemm', [x, w1], {}, 'fc1'), w2], {}, 'fc2'), [1, 10]);
    const graph = deviceGraph(b.build());
    const device: DeviceSpec = {
      ...findDevice('stm32h7', CATALOGUE_DEVICES),
      costModels: undefined, // the plain roofline
      peakMacsPerSecond: { fp32: 1e8 },
      ramBandwidthBytesPerSecond: 1e9,
      storageBandwidthBytesPerSecond: 1e8,
      perOpOverheadSeconds: 1e-5,
    };
    // Roofline, weights from flash: fc1 max(1.6384e-4, 1.28e-6 + 6.5536e-4) = 6.5664e-4 s;
    // fc2 max(6.4e-6, 2.96e-7 + 2.56e-5) = 2.5896e-5 s; plus 1e-5 s per layer: 0.702536 ms.
    const roofline = predictLatency(graph, device);
    assert.ok(roofline.supported);
    assert.deepEqual(roofline.layers.map((l) => l.name), ['fc1', 'fc2']);
    assert.ok(Math.abs(roofline.ms - 0.702536) < 1e-9, `${roofline.ms} ms`);
    // Calibrated dense.fp32 = 2·compute + 0.5·memory + 3e-6 s, and 1e-3 s per inference:
    // fc1 3.2768e-4 + 3.2832e-4 + 3e-6 = 6.59e-4 s; fc2 1.28e-5 + 1.2948e-5 + 3e-6 = 2.8748e-5 s.
    const calibration = { coefficients: { 'dense.fp32': { compute: 2, memory: 0.5, perOpSeconds: 3e-6 } }, interceptSeconds: 1e-3, samples: 4, fitRmsRelativeError: 0 };
    const fitted = predictLatency(graph, { ...device, calibration });
    assert.ok(fitted.supported && fitted.calibrated);
    assert.ok(Math.abs(fitted.ms - 1.687748) < 1e-9, `${fitted.ms} ms`);
  });

  it('grows with MACs for a fixed op mix, on every device', () => {
    const widths = [2, 4, 8, 16, 32, 64];
    for (const device of devices) {
      const quant = device.peakMacsPerSecond.fp32 === undefined ? 'qdq' : 'fp32';
      const nets = widths.map((width) => convNet({ width, quant }));
      const macs = nets.map((n) => deviceGraph(n).macs);
      const times = nets.map((n) => ms(n, device));
      for (let i = 1; i < widths.length; i++) {
        assert.ok(macs[i]! > macs[i - 1]!);
        assert.ok(times[i]! > times[i - 1]!, `${device.id}: width ${widths[i]} predicted ${times[i]} ms, not above ${times[i - 1]} ms`);
      }
    }
  });

  it('never predicts int8 slower than fp32 on a device that executes int8', () => {
    const fp32 = deviceGraph(convNet({ width: 16 }));
    const int8 = deviceGraph(convNet({ width: 16, quant: 'qdq' }));
    for (const device of devices.filter((d) => d.peakMacsPerSecond.int8 && d.peakMacsPerSecond.fp32)) {
      const a = predictLatency(fp32, device);
      const q = predictLatency(int8, device);
      assert.ok(a.supported && q.supported);
      assert.ok(q.ms <= a.ms, `${device.id}: int8 ${q.ms} ms > fp32 ${a.ms} ms`);
      // Layer by layer too: each conv, pool and dense layer is no slower in int8.
      for (const layer of q.layers.filter((l) => !l.layerClass.startsWith('quantize'))) {
        const twin = a.layers.find((l) => l.name === layer.name)!;
        assert.ok(layer.seconds <= twin.seconds, `${device.id}: ${layer.name} int8 ${layer.seconds} s > fp32 ${twin.seconds} s`);
      }
    }
  });

  it('reports a precision the device cannot execute as unsupported, not as a number', () => {
    const tpu = findDevice('edge-tpu', devices);
    const p = predictLatency(deviceGraph(convNet({ width: 8 })), tpu);
    assert.equal(p.supported, false);
    assert.ok(!p.supported);
    assert.deepEqual(p.precisions, ['fp32']);
    assert.deepEqual(p.layers, ['conv0', 'pool0', 'conv1', 'pool1', 'fc']);
    assert.match(p.message, /^edge-tpu cannot execute fp32 \(it runs int8\): layers conv0, pool0, conv1, pool1 and 1 more$/);
    assert.equal('ms' in p, false);
    const report = deviceReport(deviceGraph(convNet({ width: 8 })), tpu);
    assert.equal(report.fits, false);
    assert.deepEqual(report.reasons, [p.message]);
    // The int8 build of the same network runs there.
    assert.ok(predictLatency(deviceGraph(convNet({ width: 8, quant: 'qdq' })), tpu).supported);
    // And a float-only device refuses the int8 layers of the QDQ build.
    const floatOnly: DeviceSpec = { ...findDevice('stm32h7', devices), id: 'float-only', peakMacsPerSecond: { fp32: 1e9 } };
    const q = predictLatency(deviceGraph(convNet({ width: 8, quant: 'qdq' })), floatOnly);
    assert.ok(!q.supported && q.precisions.join() === 'int8' && q.layers.includes('conv0'));
  });

  it('uses fitted coefficients where the device has them', () => {
    const graph = deviceGraph(convNet({ width: 8 }));
    const base: DeviceSpec = { ...findDevice('stm32h7', devices), costModels: undefined };
    const uncal = predictLatency(graph, base);
    const calibrated: DeviceSpec = {
      ...base,
      calibration: {
        coefficients: { 'conv.fp32': { compute: 2, memory: 0, perOpSeconds: 0 } },
        interceptSeconds: 1e-3,
        samples: 10,
        fitRmsRelativeError: 0,
      },
    };
    const cal = predictLatency(graph, calibrated);
    assert.ok(uncal.supported && cal.supported);
    assert.equal(cal.calibrated, false); // pool and dense layers still use the roofline
    const expected = uncal.layers.reduce((s, l) => s + (l.layerClass === 'conv.fp32' ? 2 * l.computeSeconds : l.seconds), 0) + 1e-3;
    assert.ok(Math.abs(cal.ms - expected * 1e3) < 1e-9);
  });

  it('fits every catalogue device its memory verdict', () => {
    // 64-channel 5×5 stack: about 2.4 MB of fp32 weights, more than the MCUs' 2 MB flash.
    const big = deviceGraph(convNet({ width: 64, kernel: 5, depth: 3 }));
    const h7 = deviceReport(big, findDevice('stm32h7', devices));
    assert.equal(h7.fits, false);
    assert.match(h7.reasons.join('\n'), /weights .* exceed the 2\.0 MiB of storage/);
    const pi = deviceReport(big, findDevice('rpi4', devices));
    assert.equal(pi.fits, true);
    assert.match(pi.reasons[0]!, /^peak RAM .* of 4\.0 GiB$/);
  });
});
