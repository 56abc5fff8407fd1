import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../data/rng.js';
import { allocateZeros, type DamageCurve } from './sparsity-allocation.js';

/** A curve's damage at `z` zeros, read linearly between its measured points. */
function interpolated(c: DamageCurve, z: number): number {
  for (let k = 1; k < c.zeros.length; k++) {
    if (z <= c.zeros[k]!) {
      const t = (z - c.zeros[k - 1]!) / (c.zeros[k]! - c.zeros[k - 1]!);
      return c.damage[k - 1]! + t * (c.damage[k]! - c.damage[k - 1]!);
    }
  }
  return Infinity;
}

/** Every split of `budget` zeros over the curves, by brute force: the least summed damage. */
function bruteForce(curves: readonly DamageCurve[], budget: number): number {
  const best = (i: number, left: number): number => {
    if (i === curves.length) return left === 0 ? 0 : Infinity;
    let min = Infinity;
    for (let z = 0; z <= Math.min(left, curves[i]!.zeros.at(-1)!); z++) min = Math.min(min, interpolated(curves[i]!, z) + best(i + 1, left - z));
    return min;
  };
  return best(0, budget);
}

/** A convex rising curve over `n` weights at a few grid points, steeper by `scale`. */
function convexCurve(rng: Rng, n: number, scale: number): DamageCurve {
  const zeros = [0, Math.round(n * 0.3), Math.round(n * 0.6), Math.round(n * 0.8), n];
  const power = 1.5 + rng.next() * 2;
  return { zeros, damage: zeros.map((z) => scale * (z / n) ** power) };
}

describe('allocateZeros', () => {
  it('spends exactly the budget, for every budget up to every weight', () => {
    const rng = new Rng(4);
    const curves = [12, 7, 20].map((n, i) => convexCurve(rng, n, 1 + i));
    for (let budget = 0; budget <= 39; budget++) {
      const zeros = allocateZeros(curves, budget);
      assert.equal(zeros.reduce((s, z) => s + z, 0), budget, `budget ${budget}`);
      zeros.forEach((z, i) => assert.ok(z >= 0 && z <= curves[i]!.zeros.at(-1)!));
    }
  });

  it('finds the least summed damage of all splits (convex curves, brute force)', () => {
    const rng = new Rng(8);
    for (let trial = 0; trial < 5; trial++) {
      const curves = [10, 14, 6].map((n) => convexCurve(rng, n, 0.2 + rng.next() * 5));
      for (const budget of [3, 11, 17, 25]) {
        const zeros = allocateZeros(curves, budget);
        const damage = zeros.reduce((s, z, i) => s + interpolated(curves[i]!, z), 0);
        assert.ok(Math.abs(damage - bruteForce(curves, budget)) < 1e-9, `trial ${trial}, budget ${budget}: ${damage} vs ${bruteForce(curves, budget)}`);
      }
    }
  });

  it('prunes the insensitive tensor first and leaves the sensitive one alone while it can', () => {
    const flat = { zeros: [0, 50, 90, 100], damage: [0, 0.001, 0.01, 1] };
    const steep = { zeros: [0, 10, 18, 20], damage: [0, 0.5, 2, 5] };
    assert.deepEqual(allocateZeros([steep, flat], 70), [0, 70]);
    // Past the flat tensor's cheap stretch, the next-cheapest segment is the steep tensor's first.
    assert.deepEqual(allocateZeros([steep, flat], 95), [5, 90]);
  });

  it('skips a measured point above its neighbours\' chord (the convex hull)', () => {
    // Damage 0.9 at 5 zeros lies above the chord from (0, 0) to (10, 1): the hull goes straight there.
    const bumpy = { zeros: [0, 5, 10], damage: [0, 0.9, 1] };
    const linear = { zeros: [0, 10], damage: [0, 0.95] };
    // Per zero, bumpy's hull costs 0.1 and linear 0.095: linear goes first, then bumpy by its hull slope.
    assert.deepEqual(allocateZeros([bumpy, linear], 12), [2, 10]);
  });

  it('refuses a budget its curves cannot reach, and malformed curves', () => {
    const c = { zeros: [0, 4], damage: [0, 1] };
    assert.throws(() => allocateZeros([c, c], 9), /reach 8 zeros in all, fewer than the budget of 9/);
    assert.throws(() => allocateZeros([{ zeros: [1, 4], damage: [0, 1] }], 1), /must start at \(0 zeros, 0 damage\)/);
    assert.throws(() => allocateZeros([{ zeros: [0, 4, 4], damage: [0, 1, 2] }], 1), /strictly ascending zeros/);
    assert.throws(() => allocateZeros([c], 1.5), /budget must be an integer ≥ 0, got 1.5/);
  });
});
