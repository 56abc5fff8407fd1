import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { predictionAccuracy, spearman } from './prediction-accuracy.js';

describe('prediction accuracy', () => {
  it('counts predictions within ±10% and ±25%', () => {
    const a = predictionAccuracy([1.05, 0.8, 2, 1.3], [1, 1, 1, 1]);
    assert.equal(a.within10, 0.25);
    assert.equal(a.within25, 0.5);
    assert.ok(Math.abs(a.medianAbsRelativeError - 0.25) < 1e-12); // errors .05, .2, 1, .3 → median (.2 + .3) / 2
    assert.equal(a.count, 4);
  });

  it("is Spearman's rho, ties at their average rank", () => {
    assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
    assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
    // x ranks 1, 2, 3, 4; y = [1, 3, 2, 2] ranks 1, 4, 2.5, 2.5. Centred ranks:
    // dx = (−1.5, −.5, .5, 1.5), dy = (−1.5, 1.5, 0, 0): Σdxdy = 1.5, Σdx² = 5, Σdy² = 4.5 → 1.5 / √22.5.
    assert.ok(Math.abs(spearman([1, 2, 3, 4], [1, 3, 2, 2]) - 1.5 / Math.sqrt(22.5)) < 1e-12);
  });
});
