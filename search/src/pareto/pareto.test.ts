import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '@frontier/workers';
import { crowdingDistance } from './crowding-distance.js';
import { constrainedDominates, dominates } from './dominance.js';
import { greedyHypervolumeSubset, hypervolumeContributions } from './hypervolume-contributions.js';
import { hypervolume } from './hypervolume.js';
import { wfgHypervolume } from './hypervolume-wfg.js';
import { leadingFronts, nonDominatedRank, paretoFront } from './non-dominated-rank.js';

const rows = (...r: number[][]) => Float64Array.from(r.flat());

/** Brute force: integer points in [0, L)^m, reference L: count the unit cells some point dominates. */
function cellCount(values: Float64Array, m: number, L: number): number {
  let count = 0;
  const cell = new Array<number>(m).fill(0);
  for (let c = 0; c < L ** m; c++) {
    let rest = c;
    for (let d = 0; d < m; d++) {
      cell[d] = rest % L;
      rest = Math.floor(rest / L);
    }
    for (let i = 0; i < values.length / m; i++) {
      let covers = true;
      for (let d = 0; d < m && covers; d++) covers = values[i * m + d]! <= cell[d]!;
      if (covers) {
        count++;
        break;
      }
    }
  }
  return count;
}

function randomIntegerRows(seed: number, n: number, m: number, L: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n * m }, () => rng.int(L));
}

describe('dominance', () => {
  it('needs no worse everywhere and better somewhere', () => {
    const v = rows([1, 2], [1, 3], [1, 2], [0, 5]);
    assert.equal(dominates(v, 2, 0, 1), true);
    assert.equal(dominates(v, 2, 1, 0), false);
    assert.equal(dominates(v, 2, 0, 2), false, 'equal rows do not dominate each other');
    assert.equal(dominates(v, 2, 0, 3), false);
    assert.equal(dominates(v, 2, 3, 0), false);
  });

  it('puts feasible first, then less violation', () => {
    const v = rows([5, 5], [0, 0], [0, 0], [1, 1]);
    const viol = Float64Array.from([0, 0.5, 0.2, 0]);
    assert.equal(constrainedDominates(v, viol, 2, 0, 1), true, 'feasible beats infeasible whatever the objectives');
    assert.equal(constrainedDominates(v, viol, 2, 2, 1), true, 'less violation wins');
    assert.equal(constrainedDominates(v, viol, 2, 1, 2), false);
    assert.equal(constrainedDominates(v, viol, 2, 3, 0), true, 'two feasible compare by dominance');
  });
});

describe('nonDominatedRank', () => {
  it('peels fronts of a hand-made 2-D set', () => {
    const v = rows([1, 4], [2, 2], [4, 1], [3, 3], [4, 4], [5, 5], [2, 2]);
    assert.deepEqual([...nonDominatedRank(v, 2)], [0, 0, 0, 1, 2, 3, 0]);
    assert.deepEqual(paretoFront(v, 2), [0, 1, 2, 6]);
  });

  it('ranks infeasible rows after feasible ones, by violation, without reading their NaN objectives', () => {
    const v = rows([1, 1], [Number.NaN, Number.NaN], [3, 3], [Number.NaN, 0], [2, 0]);
    const viol = Float64Array.from([0, 0.3, 0, 0.1, 0]);
    assert.deepEqual([...nonDominatedRank(v, 2, viol)], [0, 3, 1, 2, 0]);
    assert.deepEqual(paretoFront(v, 2, viol), [0, 4]);
  });

  it('agrees with the definition on random 3-D sets', () => {
    const v = randomIntegerRows(7, 60, 3, 6);
    const rank = nonDominatedRank(v, 3);
    for (let i = 0; i < 60; i++) {
      // rank r > 0: dominated by some row of rank r − 1 and by none of rank ≥ r.
      const dominators = Array.from({ length: 60 }, (_, j) => j).filter((j) => dominates(v, 3, j, i));
      if (rank[i] === 0) assert.equal(dominators.length, 0);
      else assert.equal(Math.max(...dominators.map((j) => rank[j]!)), rank[i]! - 1);
    }
  });
});

describe('crowdingDistance', () => {
  it('matches a hand computation', () => {
    const v = rows([1, 5], [2, 3], [4, 2], [5, 1]);
    const d = crowdingDistance(v, 2, [0, 1, 2, 3]);
    assert.equal(d[0], Infinity);
    assert.equal(d[3], Infinity);
    assert.equal(d[1], (4 - 1) / 4 + (5 - 2) / 4);
    assert.equal(d[2], (5 - 2) / 4 + (3 - 1) / 4);
  });
});

describe('hypervolume', () => {
  it('matches hand-computed 1-, 2- and 3-D cases', () => {
    assert.equal(hypervolume(rows([2], [3]), 1, [5]), 3);
    assert.equal(hypervolume(rows([1, 3], [2, 2], [3, 1]), 2, [4, 4]), 3 + 2 + 1);
    // A box 2·2·1 and a box 1·1·2 overlapping in the unit cube [1,2]³: 4 + 2 − 1.
    assert.equal(hypervolume(rows([0, 0, 1], [1, 1, 0]), 3, [2, 2, 2]), 5);
    assert.equal(hypervolume(rows([0, 0, 0, 0]), 4, [2, 3, 1, 2]), 12);
  });

  it('ignores rows outside the reference and dominated rows', () => {
    assert.equal(hypervolume(rows([1, 1], [4, 0], [2, 2]), 2, [3, 3]), 4);
    assert.equal(hypervolume(rows([3, 0, 0]), 3, [3, 3, 3]), 0);
  });

  for (const m of [2, 3, 4, 5]) {
    it(`equals a brute-force cell count in ${m}-D`, () => {
      const L = m <= 3 ? 12 : 6;
      for (let seed = 1; seed <= 5; seed++) {
        const v = randomIntegerRows(100 * m + seed, m <= 3 ? 40 : 15, m, L);
        assert.equal(hypervolume(v, m, new Array(m).fill(L)), cellCount(v, m, L), `seed ${seed}`);
      }
    });
  }

  it('WFG agrees with the 3-D sweep on real-valued sets', () => {
    const rng = new Rng(3);
    const v = Float64Array.from({ length: 3 * 50 }, () => rng.next());
    const sweep = hypervolume(v, 3, [1.1, 1.1, 1.1]);
    assert.ok(sweep > 0.5);
    assert.ok(Math.abs(wfgHypervolume(v, 3, [1.1, 1.1, 1.1]) - sweep) < 1e-12);
  });
});

describe('hypervolume contributions and subsets', () => {
  it('computes exclusive contributions by hand', () => {
    const c = hypervolumeContributions(rows([1, 3], [2, 2], [3, 1]), 2, [4, 4]);
    assert.deepEqual([...c], [1, 1, 1]);
    const d = hypervolumeContributions(rows([1, 1], [2, 2]), 2, [3, 3]);
    assert.deepEqual([...d], [4 - 1, 0]);
  });

  it('greedy subset takes the biggest box first', () => {
    const v = rows([0, 3], [1, 1], [3, 0]);
    assert.deepEqual(greedyHypervolumeSubset(v, 2, 2, [4, 4]), [1, 0]);
  });

  it('lazy greedy chooses what computing every gain at every step chooses', () => {
    // The definition: at each step, every remaining row's gain over the chosen ones, the largest
    // (lower index among equals) taken.
    const plain = (v: Float64Array, m: number, k: number, ref: number[]): number[] => {
      const chosen: number[] = [];
      while (chosen.length < k) {
        const base = chosen.flatMap((c) => [...v.subarray(c * m, (c + 1) * m)]);
        const volume = hypervolume(Float64Array.from(base), m, ref);
        let best = -1;
        let bestGain = -Infinity;
        for (let i = 0; i < v.length / m; i++) {
          if (chosen.includes(i)) continue;
          const gain = hypervolume(Float64Array.from([...base, ...v.subarray(i * m, (i + 1) * m)]), m, ref) - volume;
          if (gain > bestGain + 1e-12) [best, bestGain] = [i, gain];
        }
        chosen.push(best);
      }
      return chosen;
    };
    const rng = new Rng(11);
    for (const m of [2, 3, 4]) {
      // Points near a front (x_d ≥ 0, Σx ≈ 1) so that gains compete, plus a few duplicates for ties.
      const points = Array.from({ length: 40 }, () => {
        const x = Array.from({ length: m }, () => rng.next());
        const sum = x.reduce((a, b) => a + b, 0);
        return x.map((v) => v / sum + 0.05 * rng.next());
      });
      points.push(points[3]!, points[17]!);
      const v = Float64Array.from(points.flat());
      const ref = new Array<number>(m).fill(1.2);
      assert.deepEqual(greedyHypervolumeSubset(v, m, 12, ref), plain(v, m, 12, ref), `${m} objectives`);
    }
  });
});

describe('leadingFronts', () => {
  it('peels the fronts the full sort ranks 0, 1, …, only as many as needed', () => {
    const rng = new Rng(5);
    for (const m of [2, 3, 4]) {
      // Coarse values, so that ties and duplicate rows occur.
      const n = 300;
      const v = Float64Array.from({ length: n * m }, () => Math.floor(rng.next() * 12));
      const rank = nonDominatedRank(v, m);
      const byRank: number[][] = [];
      rank.forEach((r, i) => (byRank[r] ??= []).push(i));
      for (const need of [1, 10, 25, 120, n]) {
        const fronts = leadingFronts(v, m, need);
        let k = 0;
        let total = 0;
        while (total < need) total += byRank[k++]!.length;
        assert.deepEqual(fronts, byRank.slice(0, k), `${m} objectives, need ${need}`);
      }
    }
  });
});
