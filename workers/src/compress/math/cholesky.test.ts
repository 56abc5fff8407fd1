import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../data/rng.js';
import { cholesky, inverseUpperFactor, solveCholesky } from './cholesky.js';

/** A random symmetric positive-definite n × n matrix: BᵀB + n·I. */
function spd(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const b = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = i === j ? n : 0;
    for (let k = 0; k < n; k++) s += b[k * n + i]! * b[k * n + j]!;
    a[i * n + j] = s;
  }
  return a;
}

function multiply(a: Float64Array, b: Float64Array, n: number, o: { transposeA?: boolean } = {}): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += (o.transposeA ? a[k * n + i]! : a[i * n + k]!) * b[k * n + j]!;
    c[i * n + j] = s;
  }
  return c;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const identity = (n: number) => Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));

describe('cholesky', () => {
  const n = 7;
  const a = spd(n, 1);

  it('factors A = L·Lᵀ with L lower triangular', () => {
    const l = cholesky(a, n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.equal(l[i * n + j], 0);
    const lt = Float64Array.from({ length: n * n }, (_, k) => l[(k % n) * n + Math.floor(k / n)]!);
    assert.ok(maxDiff(multiply(l, lt, n), a) < 1e-9);
  });

  it('solves A·X = B for several right-hand sides', () => {
    const rng = new Rng(2);
    const x = Float64Array.from({ length: n * 3 }, () => rng.normal());
    const b = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) for (let k = 0; k < n; k++) b[i * 3 + c]! += a[i * n + k]! * x[k * 3 + c]!;
    assert.ok(maxDiff(solveCholesky(cholesky(a, n), n, b, 3), x) < 1e-9);
  });

  it('gives the upper factor U of A⁻¹ = Uᵀ·U', () => {
    const u = inverseUpperFactor(a, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.equal(u[i * n + j], 0);
    // UᵀU·A = I.
    assert.ok(maxDiff(multiply(multiply(u, u, n, { transposeA: true }), a, n), identity(n)) < 1e-9);
  });

  it('refuses a matrix that is not positive definite, naming the pivot', () => {
    const bad = Float64Array.of(1, 2, 2, 1);
    assert.throws(() => cholesky(bad, 2), /not positive definite \(pivot 1/);
  });
});
