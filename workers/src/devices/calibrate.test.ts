import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../data/rng.js';
import { CATALOGUE_DEVICES, findDevice } from './catalogue.js';
import { calibrateDevice, type CalibrationSample } from './calibrate.js';
import { deviceGraph, type DeviceGraph } from './device-graph.js';
import type { DeviceSpec } from './device-spec.js';
import { predictLatency } from './latency-model.js';
import { convNet } from '../testing/device-models.js';

const base = findDevice('stm32h7', CATALOGUE_DEVICES);

/** The device whose latencies are synthesized: known coefficients for every layer class the models have. */
const truth: DeviceSpec = {
  ...base,
  calibration: {
    coefficients: {
      'conv.fp32': { compute: 1.8, memory: 0.4, perOpSeconds: 3e-6 },
      'pointwise.fp32': { compute: 1.1, memory: 0.7, perOpSeconds: 4e-6 },
      'dense.fp32': { compute: 1.2, memory: 0.9, perOpSeconds: 2e-6 },
      'pool.fp32': { compute: 0.5, memory: 2.5, perOpSeconds: 1e-6 },
    },
    interceptSeconds: 5e-5,
    samples: 1,
    fitRmsRelativeError: 0,
  },
};

function graphs(): DeviceGraph[] {
  const out: DeviceGraph[] = [];
  for (const depth of [1, 2, 3]) {
    for (const width of [2, 5, 12]) {
      for (const [kernel, size] of [[3, 28], [5, 16], [1, 20]] as const) {
        // Vary the layer counts independently (pools, dense layers) so per-op costs are identifiable.
        const variant = (depth + width + kernel) % 3;
        out.push(deviceGraph(convNet({ width, depth, kernel, size, classes: 4 + width, pools: depth - (variant === 1 ? 1 : 0), hidden: variant === 2 ? 8 + width : 0 })));
      }
    }
  }
  return out;
}

const truthMs = (g: DeviceGraph) => {
  const p = predictLatency(g, truth);
  assert.ok(p.supported);
  return p.ms;
};

describe('calibrateDevice', () => {
  it('recovers known coefficients from synthetic measurements', () => {
    const all = graphs();
    const samples: CalibrationSample[] = all.filter((_, i) => i % 3 !== 0).map((graph) => ({ graph, measuredMs: truthMs(graph) }));
    const fitted = calibrateDevice(base, samples).calibration!;
    const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-6 * Math.abs(b), `${what}: fitted ${a}, true ${b}`);
    near(fitted.interceptSeconds, 5e-5, 'intercept');
    for (const cls of ['conv.fp32', 'pointwise.fp32', 'dense.fp32'] as const) {
      const t = truth.calibration!.coefficients[cls]!;
      const f = fitted.coefficients[cls]!;
      near(f.compute, t.compute, `${cls} compute`);
      near(f.memory, t.memory, `${cls} memory`);
      near(f.perOpSeconds, t.perOpSeconds, `${cls} per-op`);
    }
    // A 2×2 max pool reads 4 elements and moves 5 per output in every model: its compute and memory
    // terms are proportional, so only their weighted sum is identifiable — and recovered.
    assert.ok(fitted.fitRmsRelativeError < 1e-9);
    assert.equal(fitted.samples, samples.length);
    // Held-out models are predicted exactly.
    const calibrated = { ...base, calibration: fitted };
    for (const graph of all.filter((_, i) => i % 3 === 0)) {
      const p = predictLatency(graph, calibrated);
      assert.ok(p.supported && p.calibrated);
      near(p.ms, truthMs(graph), 'held-out latency');
    }
  });

  it('stays close under measurement noise', () => {
    const rng = new Rng(3);
    const all = graphs();
    const samples = all.filter((_, i) => i % 3 !== 0).map((graph) => ({ graph, measuredMs: truthMs(graph) * (1 + 0.02 * rng.normal()) }));
    const calibrated = calibrateDevice(base, samples);
    for (const graph of all.filter((_, i) => i % 3 === 0)) {
      const p = predictLatency(graph, calibrated);
      assert.ok(p.supported);
      const rel = Math.abs(p.ms - truthMs(graph)) / truthMs(graph);
      assert.ok(rel < 0.05, `held-out error ${rel} with 2% noise`);
    }
  });

  it('refuses too few or impossible measurements', () => {
    const g = deviceGraph(convNet({ width: 4 }));
    assert.throws(() => calibrateDevice(base, [{ graph: g, measuredMs: 1 }]), /at least 2 measured models, got 1/);
    assert.throws(() => calibrateDevice(base, [{ graph: g, measuredMs: 1 }, { graph: g, measuredMs: -2, label: 'b.onnx' }]), /b\.onnx: measured latency must be a positive number of ms, got -2/);
    const tpu = findDevice('edge-tpu', CATALOGUE_DEVICES);
    assert.throws(() => calibrateDevice(tpu, [{ graph: g, measuredMs: 1, label: 'a.onnx' }, { graph: g, measuredMs: 2 }]), /a\.onnx: layer conv0 needs fp32, which edge-tpu does not execute/);
  });
});
