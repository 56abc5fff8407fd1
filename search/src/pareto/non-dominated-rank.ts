import { SearchError } from '../errors.js';
import { constrainedDominates, dominates } from './dominance.js';

/**
 * Non-dominated sorting (Deb et al. 2002, "fast non-dominated sort", O(m·n²)): rank 0 is the
 * Pareto front, rank 1 the front of what remains, and so on. `values` is row-major n × m, every
 * objective minimised. With `violations` (one per row, 0 = feasible) the relation is
 * constraint-domination: feasible rows take the first ranks, infeasible ones follow by total
 * violation, and an infeasible row's objectives are never read (they may be NaN).
 */
export function nonDominatedRank(values: Float64Array, nObjectives: number, violations?: Float64Array): Int32Array {
  const m = nObjectives;
  if (!Number.isInteger(m) || m < 1 || values.length % m !== 0) {
    throw new SearchError('BAD_ARGUMENT', `values.length (${values.length}) must be a multiple of nObjectives (${m})`);
  }
  const n = values.length / m;
  if (violations && violations.length !== n) {
    throw new SearchError('BAD_ARGUMENT', `violations must have one entry per row (${n}), got ${violations.length}`);
  }
  for (let i = 0; i < n; i++) {
    if (violations && violations[i]! > 0) continue;
    for (let k = 0; k < m; k++) {
      if (Number.isNaN(values[i * m + k]!)) throw new SearchError('BAD_ARGUMENT', `values of feasible row ${i} must not be NaN`);
    }
  }
  const better = violations
    ? (i: number, j: number) => constrainedDominates(values, violations, m, i, j)
    : (i: number, j: number) => dominates(values, m, i, j);

  // dominatedBy[i]: how many rows dominate row i; dominated[i]: the rows that row i dominates.
  const dominatedBy = new Int32Array(n);
  const dominated: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (better(i, j)) {
        dominated[i]!.push(j);
        dominatedBy[j]!++;
      } else if (better(j, i)) {
        dominated[j]!.push(i);
        dominatedBy[i]!++;
      }
    }
  }

  const rank = new Int32Array(n).fill(-1);
  let current: number[] = [];
  for (let i = 0; i < n; i++) if (dominatedBy[i] === 0) current.push(i);
  for (let r = 0; current.length > 0; r++) {
    const next: number[] = [];
    for (const i of current) {
      rank[i] = r;
      for (const j of dominated[i]!) if (--dominatedBy[j]! === 0) next.push(j);
    }
    current = next;
  }
  return rank;
}

/** Indices of the rows of rank 0 (the non-dominated set), in row order. */
export function paretoFront(values: Float64Array, nObjectives: number, violations?: Float64Array): number[] {
  const rank = nonDominatedRank(values, nObjectives, violations);
  const front: number[] = [];
  rank.forEach((r, i) => {
    if (r === 0 && (!violations || violations[i] === 0)) front.push(i);
  });
  return front;
}

/**
 * The first fronts of the rows (all feasible, every objective minimised) until they hold at least
 * `need` rows: the fronts `nonDominatedRank` gives ranks 0, 1, …, each in row order, without
 * ranking the rest. Each front is peeled off what remains by one pass that keeps a non-dominated
 * archive (O(n·front) per front instead of O(n²) for the full sort) — what a split that needs only
 * its best few rows pays.
 */
export function leadingFronts(values: Float64Array, nObjectives: number, need: number): number[][] {
  const m = nObjectives;
  let remaining = Array.from({ length: values.length / m }, (_, i) => i);
  const fronts: number[][] = [];
  let total = 0;
  while (total < need && remaining.length > 0) {
    let front: number[] = [];
    for (const i of remaining) {
      let dominated = false;
      const kept: number[] = [];
      for (const j of front) {
        if (!dominated && dominates(values, m, j, i)) dominated = true;
        if (dominated || !dominates(values, m, i, j)) kept.push(j);
      }
      front = kept;
      if (!dominated) front.push(i);
    }
    front.sort((a, b) => a - b);
    fronts.push(front);
    total += front.length;
    const inFront = new Set(front);
    remaining = remaining.filter((i) => !inFront.has(i));
  }
  return fronts;
}
