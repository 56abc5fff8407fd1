import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { latencyStats, measureLatency } from './measure-latency.js';
import { tinyClassifier } from '../testing/eval-models.js';
import { WorkersError } from '../errors.js';

describe('measureLatency', () => {
  it('returns consistent statistics of the requested number of runs', async () => {
    const r = await measureLatency(tinyClassifier(), { warmup: 2, runs: 15 });
    assert.equal(r.runs, 15);
    assert.ok(r.minMs > 0, `min ${r.minMs}`);
    assert.ok(r.minMs <= r.medianMs && r.medianMs <= r.p90Ms, JSON.stringify(r));
    assert.ok(r.meanMs >= r.minMs && Number.isFinite(r.meanMs));
    assert.ok(r.cv >= 0 && Number.isFinite(r.cv));
  });

  it('runs a model whose batch dim is fixed at 1', async () => {
    assert.equal((await measureLatency(tinyClassifier([1, 1, 2, 2]), { warmup: 0, runs: 3 })).runs, 3);
  });

  it('refuses symbolic image dims and bad counts', async () => {
    await assert.rejects(
      measureLatency(tinyClassifier(['N', 1, 'H', 2]), { runs: 1 }),
      (e: unknown) => e instanceof WorkersError && e.code === 'BAD_MODEL' && /input image \[N,1,H,2\] has a symbolic dim at position 2/.test(e.message),
    );
    await assert.rejects(measureLatency(tinyClassifier(), { runs: 0 }), /runs must be an integer ≥ 1, got 0/);
    await assert.rejects(measureLatency(tinyClassifier(), { warmup: -1 }), /warmup must be an integer ≥ 0, got -1/);
  });
});

describe('latencyStats', () => {
  it('computes median, p90, mean, min and cv', () => {
    const r = latencyStats([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
    // Sorted 1…10: median (5+6)/2; p90 at position 8.1 → 9 + 0.1; sample sd √(82.5/9) = 3.0277.
    assert.equal(r.medianMs, 5.5);
    assert.ok(Math.abs(r.p90Ms - 9.1) < 1e-12);
    assert.equal(r.meanMs, 5.5);
    assert.equal(r.minMs, 1);
    assert.equal(r.runs, 10);
    assert.ok(Math.abs(r.cv - Math.sqrt(82.5 / 9) / 5.5) < 1e-12);
  });
});
