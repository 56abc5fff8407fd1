import { greedyHypervolumeSubset } from '../../pareto/hypervolume-contributions.js';
import { leadingFronts } from '../../pareto/non-dominated-rank.js';

/** The rows of a history split into the `nGood` best and the rest. */
export interface Split {
  readonly good: number[];
  readonly bad: number[];
}

/**
 * Multi-objective TPE's split (Ozaki, Tanigaki, Watanabe, Onishi 2020, "Multiobjective tree-
 * structured Parzen estimator for computationally expensive optimization problems", §3.2), with
 * constraints as in c-TPE's feasibility-first ordering: feasible rows fill the good set front by
 * front (non-dominated rank); the front that does not fit is cut by greedy hypervolume subset
 * selection; if fewer than `nGood` rows are feasible, the least-violating infeasible rows fill the
 * rest. Objectives are scaled to [0, 1] over the feasible rows first, so that no unit dominates the
 * hypervolume.
 */
export function splitGoodBad(values: Float64Array, violations: Float64Array, m: number, nGood: number): Split {
  const n = violations.length;
  const feasible: number[] = [];
  const infeasible: number[] = [];
  for (let i = 0; i < n; i++) (violations[i] === 0 ? feasible : infeasible).push(i);
  infeasible.sort((a, b) => violations[a]! - violations[b]! || a - b);

  let good: number[];
  if (feasible.length <= nGood) {
    good = [...feasible, ...infeasible.slice(0, nGood - feasible.length)];
  } else {
    const scaled = scale(values, m, feasible);
    good = [];
    for (const front of leadingFronts(scaled, m, nGood)) {
      if (good.length >= nGood) break;
      if (good.length + front.length <= nGood) {
        good.push(...front.map((k) => feasible[k]!));
        continue;
      }
      const rows = new Float64Array(front.length * m);
      front.forEach((k, i) => rows.set(scaled.subarray(k * m, (k + 1) * m), i * m));
      const reference = Array.from({ length: m }, (_, d) => Math.max(...front.map((_, i) => rows[i * m + d]!)) + 0.1);
      const picked = greedyHypervolumeSubset(rows, m, nGood - good.length, reference);
      good.push(...picked.map((i) => feasible[front[i]!]!));
    }
  }
  const inGood = new Uint8Array(n);
  for (const i of good) inGood[i] = 1;
  const bad: number[] = [];
  for (let i = 0; i < n; i++) if (!inGood[i]) bad.push(i);
  return { good, bad };
}

/** The rows `members`, each objective scaled to [0, 1] over them. */
function scale(values: Float64Array, m: number, members: readonly number[]): Float64Array {
  const out = new Float64Array(members.length * m);
  for (let d = 0; d < m; d++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const i of members) {
      lo = Math.min(lo, values[i * m + d]!);
      hi = Math.max(hi, values[i * m + d]!);
    }
    members.forEach((i, k) => (out[k * m + d] = hi > lo ? (values[i * m + d]! - lo) / (hi - lo) : 0));
  }
  return out;
}
