import { crowdingDistance } from '../../pareto/crowding-distance.js';
import { nonDominatedRank } from '../../pareto/non-dominated-rank.js';

/** Rank and crowding of the members of a population, for tournaments. */
export interface Fitness {
  readonly rank: Int32Array;
  readonly crowding: Float64Array;
}

/**
 * NSGA-II's rank and crowding of `members` (rows of `values`/`violations`): constrained
 * non-dominated rank, then crowding distance within each feasible front. Infeasible fronts hold
 * rows of equal violation; their crowding is 0.
 */
export function fitness(values: Float64Array, violations: Float64Array, m: number, members: readonly number[]): Fitness {
  const n = members.length;
  const sub = new Float64Array(n * m);
  const subViolations = new Float64Array(n);
  members.forEach((row, i) => {
    sub.set(values.subarray(row * m, (row + 1) * m), i * m);
    subViolations[i] = violations[row]!;
  });
  const rank = nonDominatedRank(sub, m, subViolations);
  const crowding = new Float64Array(n);
  const fronts = new Map<number, number[]>();
  rank.forEach((r, i) => {
    if (subViolations[i] === 0) fronts.set(r, [...(fronts.get(r) ?? []), i]);
  });
  for (const front of fronts.values()) {
    const d = crowdingDistance(sub, m, front);
    front.forEach((i, k) => (crowding[i] = d[k]!));
  }
  return { rank, crowding };
}

/**
 * Elitist survival (Deb et al. 2002, §III-C): the `k` best of `members` by rank, the last front
 * split by crowding distance (larger first). Returns the survivors in that order.
 */
export function selectSurvivors(values: Float64Array, violations: Float64Array, m: number, members: readonly number[], k: number): number[] {
  const { rank, crowding } = fitness(values, violations, m, members);
  const order = members.map((_, i) => i).sort((a, b) => rank[a]! - rank[b]! || crowding[b]! - crowding[a]! || a - b);
  return order.slice(0, k).map((i) => members[i]!);
}
