import { WorkersError } from '../../errors.js';

// Dense symmetric positive-definite algebra on flat row-major Float64Arrays, for the least-squares
// fits of `fitLayers` (systems of up to a few thousand unknowns, one per weight of a filter).
// ml-matrix (already a dependency) has a Cholesky decomposition, but on its row-of-arrays Matrix
// with per-element accessors: measured here on a 1569 × 1569 system, 5.5 s to factor and 50 s to
// invert against roughly 0.6 s and 1.8 s for these loops over one flat array.

/**
 * The lower-triangular L with A = L·Lᵀ, for a symmetric positive-definite n × n matrix `a`
 * (row-major; only its lower triangle is read). Throws when `a` is not positive definite.
 */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const li = i * n;
    for (let j = 0; j <= i; j++) {
      const lj = j * n;
      let s = a[li + j]!;
      for (let k = 0; k < j; k++) s -= l[li + k]! * l[lj + k]!;
      if (i === j) {
        if (!(s > 0)) throw new WorkersError('BAD_ARGUMENT', `matrix is not positive definite (pivot ${i} is ${s})`);
        l[li + i] = Math.sqrt(s);
      } else {
        l[li + j] = s / l[lj + j]!;
      }
    }
  }
  return l;
}

/**
 * Solves A·X = B in place for X, given L = cholesky(A); `b` is n × k row-major (k right-hand
 * sides) and is overwritten with X.
 */
export function solveCholesky(l: Float64Array, n: number, b: Float64Array, k: number): Float64Array {
  // Forward: L·Y = B.
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < i; p++) {
      const f = l[i * n + p]!;
      if (f === 0) continue;
      for (let c = 0; c < k; c++) b[i * k + c]! -= f * b[p * k + c]!;
    }
    const d = l[i * n + i]!;
    for (let c = 0; c < k; c++) b[i * k + c]! /= d;
  }
  // Backward: Lᵀ·X = Y.
  for (let i = n - 1; i >= 0; i--) {
    for (let p = i + 1; p < n; p++) {
      const f = l[p * n + i]!;
      if (f === 0) continue;
      for (let c = 0; c < k; c++) b[i * k + c]! -= f * b[p * k + c]!;
    }
    const d = l[i * n + i]!;
    for (let c = 0; c < k; c++) b[i * k + c]! /= d;
  }
  return b;
}

/**
 * The upper-triangular U with A⁻¹ = Uᵀ·U, for symmetric positive-definite A: with P the order
 * reversal, U = P·L'⁻¹·P where L' = cholesky(P·A·P) — one factorization and one triangular
 * inverse, no explicit A⁻¹. Row i of U gives, for the i-th of a sequence of eliminated unknowns,
 * how the error made in it is best absorbed by the unknowns after it (see `fitLayers`).
 */
export function inverseUpperFactor(a: Float64Array, n: number): Float64Array {
  const reversed = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) reversed[i * n + j] = a[(n - 1 - i) * n + (n - 1 - j)]!;
  const l = cholesky(reversed, n);
  // M = L⁻¹, lower triangular, column by column: L·m_j = e_j.
  const m = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    m[j * n + j] = 1 / l[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let p = j; p < i; p++) s += l[i * n + p]! * m[p * n + j]!;
      m[i * n + j] = -s / l[i * n + i]!;
    }
  }
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) u[i * n + j] = m[(n - 1 - i) * n + (n - 1 - j)]!;
  return u;
}
