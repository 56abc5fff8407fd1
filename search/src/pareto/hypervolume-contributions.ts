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
 * row indices in
 * the order chosen; ties go to the lower index.
 */
export function greedyHypervolumeSubset(values: Float64Array, nObjectives: number, k: number, reference: ArrayLike<number>): number[] {
  const m = nObjectives;
  const n = values.length / m;
  const chosen: number[] = [];
  const taken = new Uint8Array(n);
  let chosenRows = new Float64Array(0);
  let chosenVolume = 0;
  while (chosen.length < Math.min(k, n)) {
    let best = -1;
    let bestGain = -Infinity;
    const trial = new Float64Array(chosenRows.length + m);
    trial.set(chosenRows, 0);
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      trial.set(values.subarray(i * m, (i + 1) * m), chosenRows.length);
      const gain = hypervolume(trial, m, reference) - chosenVolume;
      if (gain > bestGain) {
        bestGain = gain;
        best = i;
      }
    }
    taken[best] = 1;
    chosen.push(best);
    trial.set(values.subarray(best * m, (best + 1) * m), chosenRows.length);
    chosenRows = trial;
    chosenVolume += bestGain;
  }
  return chosen;
}
