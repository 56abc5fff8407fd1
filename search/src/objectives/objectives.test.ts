import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constraintViolation, parseConstraints, parseObjectives, writeMinimised } from './objectives.js';

describe('objectives and constraints', () => {
  it('turns objectives into minimisation once', () => {
    const out = new Float64Array(4);
    writeMinimised({ accuracy: 0.9, latencyMs: 12, deployBytes: 4096 }, ['accuracy', 'latencyMs', 'deployBytes'], out, 1);
    assert.deepEqual([...out], [0, -0.9, 12, 4096]);
    assert.throws(() => writeMinimised({ accuracy: 0.9 }, ['latencyMs'], out, 0), /trial metrics.latencyMs must be a finite number, got undefined/);
  });

  it('sums relative violations', () => {
    const c = { maxLatencyMs: 10, minAccuracy: 0.8, maxRamBytes: 1000, maxFlashBytes: 2000 };
    assert.equal(constraintViolation({ latencyMs: 10, accuracy: 0.8, peakRamBytes: 1000, deployBytes: 2000 }, c), 0);
    assert.ok(Math.abs(constraintViolation({ latencyMs: 15, accuracy: 0.6, peakRamBytes: 500, deployBytes: 3000 }, c) - (0.5 + 0.25 + 0.5)) < 1e-12);
    assert.equal(constraintViolation({ latencyMs: 15 }, { minAccuracy: 0.8 }), 0, 'an unreported metric adds nothing');
  });

  it('validates objectives and constraints by name', () => {
    assert.deepEqual(parseObjectives(['accuracy', 'latencyMs']), ['accuracy', 'latencyMs']);
    assert.throws(() => parseObjectives([]), /objectives must be a non-empty list/);
    assert.throws(() => parseObjectives(['accuracy', 'speed']), /objectives\[1\] must be one of accuracy, latencyMs/);
    assert.throws(() => parseObjectives(['accuracy', 'accuracy']), /objectives lists "accuracy" twice/);
    assert.deepEqual(parseConstraints({ maxLatencyMs: 20, minAccuracy: 0.9 }), { maxLatencyMs: 20, minAccuracy: 0.9 });
    assert.throws(() => parseConstraints({ maxLatency: 20 }), /unknown constraint "maxLatency"/);
    assert.throws(() => parseConstraints({ minAccuracy: 90 }), /constraints.minAccuracy must be a number > 0 and ≤ 1, got 90/);
    assert.throws(() => parseConstraints({ maxRamBytes: -1 }), /constraints.maxRamBytes must be a number > 0, got -1/);
  });
});
