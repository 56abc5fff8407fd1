import { SearchError } from '../errors.js';
import { wfgHypervolume } from './hypervolume-wfg.js';

/**
 * The hypervolume dominated by the rows of `values` (row-major, `nObjectives` columns, every
 * objective minimised) and bounded by `reference`: the Lebesgue measure of
 * { z | some row x ≤ z ≤ reference }. Rows not strictly better than the reference in every
 * objective add nothing and are dropped first.
 *
 * Exact for every m: one objective is a difference, two a sweep over the sorted staircase
 * (O(n log n)), three a sweep in the third objective over a 2-D staircase kept sorted
 * (O(n²) worst case; Beume et al. 2009 do it in O(n log n) with a balanced tree, which pays off
 * only for fronts far larger than a search produces), four or more the WFG algorithm.
 */
export function hypervolume(values: Float64Array, nObjectives: number, reference: ArrayLike<number>): number {
  const m = nObjectives;
  if (reference.length !== m) throw new SearchError('BAD_ARGUMENT', `reference must have ${m} entries, got ${reference.length}`);
  if (values.length % m !== 0) throw new SearchError('BAD_ARGUMENT', `values.length (${values.length}) must be a multiple of nObjectives (${m})`);
  const rows = strictlyInside(values, m, reference);
  const n = rows.length / m;
  if (n === 0) return 0;
  switch (m) {
    case 1:
      return reference[0]! - Math.min(...rows);
    case 2:
      return hypervolume2d(rows, reference);
    case 3:
      return hypervolume3d(rows, reference);
    default:
      return wfgHypervolume(rows, m, reference);
  }
}

function strictlyInside(values: Float64Array, m: number, reference: ArrayLike<number>): Float64Array {
  const n = values.length / m;
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    let inside = true;
    for (let k = 0; k < m; k++) {
      const v = values[i * m + k]!;
      if (Number.isNaN(v)) throw new SearchError('BAD_ARGUMENT', `values of row ${i} must not be NaN`);
      if (!(v < reference[k]!)) inside = false;
    }
    if (inside) for (let k = 0; k < m; k++) kept.push(values[i * m + k]!);
  }
  return Float64Array.from(kept);
}

/** Two objectives: sort by the first; each row that lowers the running minimum of the second adds a strip. */
export function hypervolume2d(rows: Float64Array, reference: ArrayLike<number>): number {
  const n = rows.length / 2;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rows[2 * a]! - rows[2 * b]! || rows[2 * a + 1]! - rows[2 * b + 1]!);
  let area = 0;
  let yMin = reference[1]!;
  for (const i of order) {
    const y = rows[2 * i + 1]!;
    if (y < yMin) {
      area += (reference[0]! - rows[2 * i]!) * (yMin - y);
      yMin = y;
    }
  }
  return area;
}

/**
 * Three objectives: visit rows by increasing third objective, insert each into the 2-D staircase of
 * the rows seen so far (x ascending, y strictly descending), and add staircase area × slab height.
 */
export function hypervolume3d(rows: Float64Array, reference: ArrayLike<number>): number {
  const n = rows.length / 3;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rows[3 * a + 2]! - rows[3 * b + 2]!);
  const xs: number[] = [];
  const ys: number[] = [];
  const [rx, ry, rz] = [reference[0]!, reference[1]!, reference[2]!];
  let volume = 0;
  for (let p = 0; p < n; p++) {
    const i = order[p]!;
    insertStaircase(xs, ys, rows[3 * i]!, rows[3 * i + 1]!);
    const zNext = p + 1 < n ? rows[3 * order[p + 1]! + 2]! : rz;
    const height = zNext - rows[3 * i + 2]!;
    if (height === 0) continue;
    let area = 0;
    for (let s = 0; s < xs.length; s++) area += ((s + 1 < xs.length ? xs[s + 1]! : rx) - xs[s]!) * (ry - ys[s]!);
    volume += area * height;
  }
  return volume;
}

/** Inserts (x, y) into a 2-D non-dominated staircase, dropping the points it dominates. */
function insertStaircase(xs: number[], ys: number[], x: number, y: number): void {
  // First index with xs[i] > x: every earlier point has xs ≤ x; the last of them has the lowest y.
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && ys[lo - 1]! <= y) return; // weakly dominated
  let start = lo;
  if (start > 0 && xs[start - 1] === x) start--; // same x, higher y: dominated by the new point
  let end = start;
  while (end < xs.length && ys[end]! >= y) end++;
  xs.splice(start, end - start, x);
  ys.splice(start, end - start, y);
}
