/**
 * LAMP scores of one weight tensor (Lee et al., "Layer-adaptive Sparsity for the Magnitude-based
 * Pruning", ICLR 2021, §3): with the tensor's weights sorted by magnitude, ascending, the score of
 * the u-th is w_u² / Σ_{v ≥ u} w_v² — its squared magnitude over that of itself and every larger
 * weight of the same tensor. Scores lie in (0, 1], the largest weight of every tensor scores 1,
 * and multiplying a tensor by a constant leaves its scores unchanged: ranking all tensors' scores
 * together prunes by a global threshold that per-layer scales (such as folded BatchNorms) cannot
 * distort. Ties keep position order; zeros score 0.
 */
export function lampScores(weights: Float32Array): Float64Array {
  const n = weights.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => Math.abs(weights[a]!) - Math.abs(weights[b]!) || a - b);
  const scores = new Float64Array(n);
  let tail = 0;
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k]!;
    const sq = weights[i]! * weights[i]!;
    tail += sq;
    scores[i] = tail > 0 ? sq / tail : 0;
  }
  return scores;
}
