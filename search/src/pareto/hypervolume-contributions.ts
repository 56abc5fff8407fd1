import { hypervolume } from './hypervolume.js';

/** Each row's exclusive contribution: hv(all) − hv(all but that row). */
export function hypervolumeContributions(values: Float64Array, nObjectives: number, reference: ArrayLike<number>): Float64Array {
  const m = nObjectives;
  const n = values.length / m;
  const total = hypervolume(values, m, reference);
  const out = new Float64Array(n);
  const rest = new Float64Array((n - 1) * m);
  for (let i = 0; i < n; i++) {
    rest.set(values.subarray(0, i * m), 0);
    rest.set(values.subarray((i + 1) * m), i * m);
    out[i] = total - hypervolume(rest, m, reference);
  }
  return out;
}

/**
 * Greedy hypervolume subset selection: k rows chosen one at a time, each adding the most
 * hypervolume to those already chosen. Hypervolume is submodular (Ulrich and Thiele 2012,
 * "Bounding the effectiveness of hypervolume-based (μ+λ)-archiving algorithms"), so the greedy
 * choice is within a factor 1 − 1/e of the best subset (Nemhauser, Wolsey, Fisher 1978). Returns
 * row indices in the order chosen; ties go to the lower index.
 *
 * Evaluated lazily (Minoux 1978, "Accelerated greedy algorithms for maximizing submodular set
 * functions"): a row's gain only shrinks as rows are chosen, so its last computed gain bounds its
 * gain now, and a row whose fresh gain beats every other row's bound is the greedy choice without
 * computing the others. Same choices as computing every gain at every step.
 */
export function greedyHypervolumeSubset(values: Float64Array, nObjectives: number, k: number, reference: ArrayLike<number>): number[] {
  const m = nObjectives;
  const n = values.length / m;
  const chosen: number[] = [];
  const taken = new Uint8Array(n);
  // bound[i]: row i's gain when last computed (its own box to start with); fresh[i]: computed at this step.
  const bound = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let box = 1;
    for (let d = 0; d < m; d++) box *= Math.max(0, reference[d]! - values[i * m + d]!);
    bound[i] = box;
  }
  const fresh = new Uint8Array(n);
  let chosenRows = new Float64Array(0);
  let chosenVolume = 0;
  const trial = new Float64Array(Math.min(k, n) * m);
  while (chosen.length < Math.min(k, n)) {
    fresh.fill(0);
    const base = chosenRows.length;
    trial.set(chosenRows, 0);
    for (;;) {
      // The row of largest bound, the lower index among equals.
      let top = -1;
      for (let i = 0; i < n; i++) if (!taken[i] && (top < 0 || bound[i]! > bound[top]!)) top = i;
      if (fresh[top]) {
        taken[top] = 1;
        chosen.push(top);
        chosenVolume += bound[top]!;
        chosenRows = trial.slice(0, base + m);
        chosenRows.set(values.subarray(top * m, (top + 1) * m), base);
        break;
      }
      trial.set(values.subarray(top * m, (top + 1) * m), base);
      // A fresh gain never rises above its bound (submodularity; the min guards rounding).
      bound[top] = Math.min(bound[top]!, hypervolume(trial.subarray(0, base + m), m, reference) - chosenVolume);
      fresh[top] = 1;
    }
  }
  return chosen;
}
