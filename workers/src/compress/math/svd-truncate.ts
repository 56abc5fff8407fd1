import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { WorkersError } from '../../errors.js';

/** A rank-r factorization W ≈ L · R of a rows × cols matrix. */
export interface TruncatedSvd {
  readonly rank: number;
  /** L = U_r · √Σ_r, row-major [rows, rank]. */
  readonly left: Float32Array;
  /** R = √Σ_r · V_rᵀ, row-major [rank, cols]. */
  readonly right: Float32Array;
  /** Every singular value of W, largest first. */
  readonly singularValues: Float64Array;
  /**
   * ‖W − L·R‖_F as the SVD predicts it: √(Σ_{i>r} σ_i²) (Eckart–Young–Mirsky theorem; the
   * best rank-r approximation in Frobenius norm keeps the r largest singular values).
   */
  readonly discardedNorm: number;
}

export interface TruncatedSvdOptions {
  readonly rows: number;
  readonly cols: number;
  /** Kept rank, 1 … min(rows, cols). */
  readonly rank: number;
}

/**
 * Truncated SVD of a row-major float32 matrix, with the singular values split evenly between the
 * two factors (√σ each) so neither factor's scale dwarfs the other's — this keeps both within
 * similar ranges for later quantization. The decomposition itself is ml-matrix's (a port of
 * JAMA's Golub–Kahan–Reinsch SVD), in float64.
 */
export function truncatedSvd(matrix: Float32Array, options: TruncatedSvdOptions): TruncatedSvd {
  const { rows, cols, rank } = options;
  if (matrix.length !== rows * cols) {
    throw new WorkersError('BAD_ARGUMENT', `matrix has ${matrix.length} values, expected ${rows} × ${cols}`);
  }
  if (!(Number.isInteger(rank) && rank >= 1 && rank <= Math.min(rows, cols))) {
    throw new WorkersError('BAD_ARGUMENT', `rank must be an integer in [1, ${Math.min(rows, cols)}], got ${rank}`);
  }
  const svd = new SingularValueDecomposition(Matrix.from1DArray(rows, cols, matrix), { autoTranspose: true });
  const sigma = svd.diagonal;
  const order = sigma.map((_, i) => i).sort((a, b) => sigma[b]! - sigma[a]! || a - b);
  const u = svd.leftSingularVectors;
  const v = svd.rightSingularVectors;
  const left = new Float32Array(rows * rank);
  const right = new Float32Array(rank * cols);
  for (let k = 0; k < rank; k++) {
    const j = order[k]!;
    const root = Math.sqrt(sigma[j]!);
    for (let i = 0; i < rows; i++) left[i * rank + k] = u.get(i, j) * root;
    for (let i = 0; i < cols; i++) right[k * cols + i] = v.get(i, j) * root;
  }
  const singularValues = Float64Array.from(order, (j) => sigma[j]!);
  let discarded = 0;
  for (let k = rank; k < singularValues.length; k++) discarded += singularValues[k]! ** 2;
  return { rank, left, right, singularValues, discardedNorm: Math.sqrt(discarded) };
}
