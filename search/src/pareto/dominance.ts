/**
 * Pareto dominance over row-major objective matrices: row i of `values` is
 * values[i·m … i·m + m), every objective minimised.
 */

/** True when row i dominates row j: no worse in every objective and better in one. */
export function dominates(values: Float64Array, m: number, i: number, j: number): boolean {
  let better = false;
  const a = i * m;
  const b = j * m;
  for (let k = 0; k < m; k++) {
    const x = values[a + k]!;
    const y = values[b + k]!;
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

/**
 * Constraint-domination (Deb, Pratap, Agarwal, Meyarivan 2002, "A fast and elitist multiobjective
 * genetic algorithm: NSGA-II", §V): a feasible row (violation 0) beats an infeasible one; of two
 * infeasible rows the smaller total violation wins; two feasible rows compare by dominance.
 */
export function constrainedDominates(values: Float64Array, violations: Float64Array, m: number, i: number, j: number): boolean {
  const vi = violations[i]!;
  const vj = violations[j]!;
  if (vi === 0 && vj === 0) return dominates(values, m, i, j);
  if (vi === 0) return true;
  if (vj === 0) return false;
  return vi < vj;
}
