import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hypervolume } from '../../pareto/hypervolume.js';
import { Rng } from '@frontier/workers';
import { expectedHypervolumeImprovement, expectedShortfall } from './ehvi.js';

/** Monte Carlo EHVI: the mean over draws of Y of HV(front ∪ {(Y, costs)}) − HV(front), reference 1. */
function monteCarlo(front: Float64Array, m: number, mu: number, sigma: number, costs: number[], draws: number, offset = 0, scale = 1): { mean: number; se: number } {
  const rng = new Rng(11);
  const reference = new Array<number>(m).fill(1);
  const base = hypervolume(front, m, reference);
  const withPoint = new Float64Array(front.length + m);
  withPoint.set(front);
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < draws; i++) {
    withPoint[front.length] = (Math.exp(mu + sigma * rng.normal()) - offset) / scale;
    withPoint.set(costs, front.length + 1);
    const gain = hypervolume(withPoint, m, reference) - base;
    sum += gain;
    sum2 += gain * gain;
  }
  const mean = sum / draws;
  return { mean, se: Math.sqrt((sum2 / draws - mean * mean) / draws) };
}

describe('expected hypervolume improvement', () => {
  it('E[(t − Y)⁺] of a log-normal matches its definition by quadrature', () => {
    for (const [t, mu, sigma] of [[0.5, -1, 0.4], [1, 0.2, 1.5], [0.05, -1, 0.3]] as const) {
      // Midpoint rule over z ∈ mu ± 10σ.
      let integral = 0;
      const n = 200_000;
      const dz = (20 * sigma) / n;
      for (let i = 0; i < n; i++) {
        const z = mu - 10 * sigma + (i + 0.5) * dz;
        integral += Math.max(0, t - Math.exp(z)) * Math.exp(-0.5 * ((z - mu) / sigma) ** 2) * dz;
      }
      integral /= sigma * Math.sqrt(2 * Math.PI);
      assert.ok(Math.abs(expectedShortfall(t, mu, sigma) - integral) < 1e-6, `t ${t}: ${expectedShortfall(t, mu, sigma)} vs ${integral}`);
    }
    assert.equal(expectedShortfall(0, 0, 1), 0);
    assert.equal(expectedShortfall(0.5, Math.log(0.2), 0), 0.3, 'a certain value');
  });

  it('matches a Monte Carlo estimate over a three-objective front', () => {
    // Rows: (accuracy coordinate, cost 1, cost 2), all minimised, inside the unit reference box.
    const front = Float64Array.of(0.1, 0.8, 0.7, 0.3, 0.4, 0.6, 0.5, 0.3, 0.2, 0.9, 0.1, 0.1, 1.2, 0.05, 0.05);
    for (const [mu, sigma, costs] of [[Math.log(0.3), 0.5, [0.35, 0.5]], [Math.log(0.6), 1, [0.2, 0.15]], [Math.log(0.05), 0.2, [0.85, 0.75]]] as const) {
      const exact = expectedHypervolumeImprovement(front, 3, { mu, sigma, costs: Float64Array.from(costs) });
      const mc = monteCarlo(front, 3, mu, sigma, [...costs], 40_000);
      assert.ok(Math.abs(exact - mc.mean) < 4 * mc.se + 1e-9, `exact ${exact} vs Monte Carlo ${mc.mean} ± ${mc.se}`);
      assert.ok(exact > 0);
    }
  });

  it('matches Monte Carlo for a shifted, scaled log-normal that can fall below the front (negative Y)', () => {
    const front = Float64Array.of(0, 0.5, 0.4, 0.6, 0.2, 0.3);
    const point = { mu: Math.log(0.07), sigma: 0.3, offset: 0.065, scale: 0.085, costs: Float64Array.of(0.3, 0.35) };
    const exact = expectedHypervolumeImprovement(front, 3, point);
    const mc = monteCarlo(front, 3, point.mu, point.sigma, [0.3, 0.35], 40_000, point.offset, point.scale);
    assert.ok(Math.abs(exact - mc.mean) < 4 * mc.se + 1e-9, `exact ${exact} vs Monte Carlo ${mc.mean} ± ${mc.se}`);
  });

  it('is zero for a candidate whose costs are at the reference, and the box × P(Y < 1) share for an empty front', () => {
    assert.equal(expectedHypervolumeImprovement(Float64Array.of(0.2, 0.2), 2, { mu: -1, sigma: 0.5, costs: Float64Array.of(1) }), 0);
    const alone = expectedHypervolumeImprovement(new Float64Array(0), 2, { mu: -1, sigma: 0.5, costs: Float64Array.of(0.4) });
    assert.ok(Math.abs(alone - 0.6 * expectedShortfall(1, -1, 0.5)) < 1e-12);
  });
});
