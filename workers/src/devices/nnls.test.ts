import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../data/rng.js';
import { nnls } from './nnls.js';

/** Kuhn–Tucker conditions of min ‖Ax − b‖ s.t. x ≥ 0: x ≥ 0, w = Aᵀ(b − Ax) ≤ 0 where x = 0, w = 0 where x > 0. */
function assertKkt(a: number[][], b: number[], x: Float64Array, tol: number): void {
  const r = b.map((bi, i) => bi - a[i]!.reduce((s, v, j) => s + v * x[j]!, 0));
  for (let j = 0; j < x.length; j++) {
    const w = a.reduce((s, row, i) => s + row[j]! * r[i]!, 0);
    assert.ok(x[j]! >= 0, `x[${j}] = ${x[j]} < 0`);
    if (x[j]! > 0) assert.ok(Math.abs(w) < tol, `x[${j}] > 0 but gradient ${w}`);
    else assert.ok(w < tol, `x[${j}] = 0 but gradient ${w} > 0`);
  }
}

describe('nnls', () => {
  it('returns the exact solution when it is non-negative', () => {
    const a = [[1, 0], [0, 2], [1, 1]];
    const x = nnls(a, [3, 8, 7]); // x = (3, 4) solves it exactly
    assert.ok(Math.abs(x[0]! - 3) < 1e-9 && Math.abs(x[1]! - 4) < 1e-9);
  });

  it('clamps a coefficient the unconstrained fit makes negative', () => {
    // Unconstrained least squares gives x₂ < 0; the constrained optimum is x = (b·a₁ / a₁·a₁, 0).
    const a = [[1, 1], [1, 2], [1, 3]];
    const b = [3, 2, 1];
    const x = nnls(a, b);
    assert.ok(Math.abs(x[0]! - 2) < 1e-9);
    assert.equal(x[1], 0);
    assertKkt(a, b, x, 1e-9);
  });

  it('satisfies the Kuhn–Tucker conditions on random problems, including collinear columns', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 25; trial++) {
      const rows = 6 + rng.int(10);
      const cols = 2 + rng.int(6);
      const a = Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal()));
      if (trial % 5 === 0) for (const row of a) row[cols - 1] = 2 * row[0]!; // an exact duplicate direction
      const b = Array.from({ length: rows }, () => rng.normal());
      assertKkt(a, b, nnls(a, b), 1e-8);
    }
  });

  it('rejects mismatched shapes', () => {
    assert.throws(() => nnls([[1, 2]], [1, 2]), /b has 2 entries for 1 rows/);
    assert.throws(() => nnls([], []), /non-empty matrix/);
  });
});
