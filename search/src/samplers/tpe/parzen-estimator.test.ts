import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '@frontier/workers';
import { defineSpace } from '../../space/define-space.js';
import { erfc, normalCdf } from './normal.js';
import { ParzenEstimator } from './parzen-estimator.js';
import { splitGoodBad } from './split.js';

// Genes: lowRank (switch), lowRank.rankRatio (continuous), quant.weightBits (4 levels), quant.granularity (categorical).
const space = defineSpace({
  lowRank: { rankRatio: { low: 0.1, high: 1 } },
  quant: { optional: false, weightBits: { values: [2, 4, 6, 8] }, granularity: { values: ['per-tensor', 'per-channel'] } },
});
const observations = [
  Float64Array.from([1, 0.2, 1 / 3, 0]),
  Float64Array.from([1, 0.25, 2 / 3, 1]),
  Float64Array.from([0, Number.NaN, 1, 1]),
];

describe('ParzenEstimator', () => {
  const pe = new ParzenEstimator(space.genes, observations, [1, 1, 1]);

  it('is a probability density: sums over discrete genes and integrates over continuous ones to 1', () => {
    let total = 0;
    const steps = 2000;
    for (const bits of [0, 1 / 3, 2 / 3, 1]) {
      for (const gran of [0, 1]) {
        // lowRank off: the rank ratio is inactive and skipped.
        total += Math.exp(pe.logDensity(Float64Array.from([0, Number.NaN, bits, gran])));
        for (let s = 0; s < steps; s++) {
          const u = (s + 0.5) / steps;
          total += Math.exp(pe.logDensity(Float64Array.from([1, u, bits, gran]))) / steps;
        }
      }
    }
    assert.ok(Math.abs(total - 1) < 1e-3, `total ${total}`);
  });

  it('samples where its density is', () => {
    const rng = new Rng(2);
    let near = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const x = pe.sample(rng);
      assert.ok(x.every((v) => v >= 0 && v <= 1));
      if (x[0] === 1 && x[1]! < 0.5) near++;
    }
    // Two of four components (weights ¼ each) sit at u ≈ 0.2 with lowRank on; the others put
    // some mass there too. Compare with the density's own probability of that region.
    let p = 0;
    for (const bits of [0, 1 / 3, 2 / 3, 1]) {
      for (const gran of [0, 1]) {
        for (let s = 0; s < 500; s++) p += Math.exp(pe.logDensity(Float64Array.from([1, (s + 0.5) / 1000, bits, gran]))) / 1000;
      }
    }
    assert.ok(Math.abs(near / n - p) < 0.03, `sampled ${near / n}, density ${p}`);
  });

  it('prefers the observations over other values', () => {
    const at = pe.logDensity(Float64Array.from([1, 0.2, 1 / 3, 0]));
    const away = pe.logDensity(Float64Array.from([1, 0.9, 0, 0]));
    assert.ok(at > away);
  });
});

describe('normal distribution', () => {
  it('matches tabulated values', () => {
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
    assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
    assert.ok(Math.abs(erfc(3) - 2.209049699858544e-5) / 2.209049699858544e-5 < 1e-6);
  });
});

describe('splitGoodBad', () => {
  it('fills the good set with feasible fronts, then the least-violating infeasible rows', () => {
    const values = Float64Array.from([1, 1, 2, 2, 0, 3, 3, 0, 9, 9, 0, 0]);
    const violations = Float64Array.from([0, 0, 0, 0, 0.5, 0.1]);
    assert.deepEqual(splitGoodBad(values, violations, 2, 3).good.sort(), [0, 2, 3]);
    assert.deepEqual(splitGoodBad(values, violations, 2, 6).good, [0, 1, 2, 3, 5, 4]);
    const allBad = Float64Array.from([0.3, 0.2, 0.9, 0.1, 0.5, 0.4]);
    assert.deepEqual(splitGoodBad(values, allBad, 2, 2), { good: [3, 1], bad: [0, 2, 4, 5] });
  });
});
