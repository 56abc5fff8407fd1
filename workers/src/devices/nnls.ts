import { Matrix, solve } from 'ml-matrix';
import { WorkersError } from '../errors.js';

/**
 * Non-negative least squares: minimises ‖A·x − b‖₂ subject to x ≥ 0, by the active-set method of
 * Lawson and Hanson ("Solving Least Squares Problems", 1974, chapter 23, Algorithm NNLS). Each
 * unconstrained sub-problem on the passive set is solved through the SVD, so rank-deficient
 * columns (features that always move together) do not break it: they get the minimum-norm split.
 *
 * `a` is row-major (rows × columns). Returns x (length columns).
 */
export function nnls(a: readonly (readonly number[])[], b: readonly number[], options: { maxIterations?: number } = {}): Float64Array {
  const rows = a.length;
  const cols = a[0]?.length ?? 0;
  if (rows === 0 || cols === 0) throw new WorkersError('BAD_ARGUMENT', `nnls needs a non-empty matrix, got ${rows}×${cols}`);
  if (b.length !== rows) throw new WorkersError('BAD_ARGUMENT', `nnls: b has ${b.length} entries for ${rows} rows`);
  const A = new Matrix(a.map((r) => [...r]));
  const B = Matrix.columnVector([...b]);
  const x = new Float64Array(cols);
  const passive = new Set<number>();
  // Tolerance on the dual (gradient) from the scale of the problem, as in the reference code.
  const tol = 10 * Number.EPSILON * A.norm('frobenius') * Math.max(rows, cols);
  const maxIterations = options.maxIterations ?? 3 * cols + 30;
  for (let iter = 0; iter < maxIterations; iter++) {
    const w = gradient(A, B, x);
    let t = -1;
    for (let j = 0; j < cols; j++) if (!passive.has(j) && w[j]! > tol && (t < 0 || w[j]! > w[t]!)) t = j;
    if (t < 0) break; // Kuhn–Tucker conditions hold: done.
    passive.add(t);
    for (;;) {
      const s = solvePassive(A, B, passive, cols);
      const blocked = [...passive].filter((j) => s[j]! <= 0);
      if (blocked.length === 0) {
        x.set(s);
        break;
      }
      // Step from x toward s as far as feasibility allows, then drop the columns that hit zero.
      let alpha = Infinity;
      for (const j of blocked) alpha = Math.min(alpha, x[j]! / (x[j]! - s[j]!));
      for (let j = 0; j < cols; j++) x[j] = x[j]! + alpha * (s[j]! - x[j]!);
      for (const j of [...passive]) {
        if (x[j]! <= tol) {
          x[j] = 0;
          passive.delete(j);
        }
      }
      if (passive.size === 0) break;
    }
  }
  return x;
}

/** w = Aᵀ(b − A·x), the negative gradient of ½‖A·x − b‖². */
function gradient(A: Matrix, B: Matrix, x: Float64Array): number[] {
  const residual = B.clone().sub(A.mmul(Matrix.columnVector([...x])));
  return A.transpose().mmul(residual).getColumn(0);
}

/** Unconstrained least squares on the passive columns; zeros elsewhere. */
function solvePassive(A: Matrix, B: Matrix, passive: ReadonlySet<number>, cols: number): Float64Array {
  const idx = [...passive].sort((p, q) => p - q);
  const sub = A.subMatrixColumn(idx);
  const z = solve(sub, B, true).getColumn(0);
  const s = new Float64Array(cols);
  idx.forEach((j, k) => (s[j] = z[k]!));
  return s;
}
