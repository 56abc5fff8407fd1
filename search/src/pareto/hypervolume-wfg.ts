/**
 * Exact hypervolume for any number of objectives by the WFG algorithm (While, Bradstreet and
 * Barone 2012, "A fast way of calculating exact hypervolumes", IEEE TEC 16(1)), Equations (2)–(4):
 *
 *   hv(S) = Σ_k exclhv(S, k),  exclhv(S, k) = inclhv(s_k) − hv(nds(limit(S, k))),
 *   limit(S, k) = { max(s_k, s_j) | j > k }  (component-wise, for minimisation),
 *
 * where inclhv(s) is the volume of the box between s and the reference. Rows are sorted by the last
 * objective first, as the paper does, so that limit sets are small. Exponential in the worst case,
 * fast for the fronts (tens of points) a search keeps. Rows must be strictly inside the reference.
 */
export function wfgHypervolume(rows: Float64Array, m: number, reference: ArrayLike<number>): number {
  const points: Float64Array[] = [];
  for (let i = 0; i < rows.length; i += m) points.push(rows.subarray(i, i + m));
  points.sort((a, b) => b[m - 1]! - a[m - 1]!);
  return setVolume(points, m, reference);
}

function setVolume(points: readonly Float64Array[], m: number, reference: ArrayLike<number>): number {
  let volume = 0;
  for (let k = 0; k < points.length; k++) volume += exclusiveVolume(points, k, m, reference);
  return volume;
}

function exclusiveVolume(points: readonly Float64Array[], k: number, m: number, reference: ArrayLike<number>): number {
  const p = points[k]!;
  const limited: Float64Array[] = [];
  for (let j = k + 1; j < points.length; j++) {
    const q = points[j]!;
    const w = new Float64Array(m);
    for (let d = 0; d < m; d++) w[d] = Math.max(p[d]!, q[d]!);
    limited.push(w);
  }
  const inner = nonDominated(limited, m);
  const innerVolume = inner.length === 0 ? 0 : inner.length === 1 ? boxVolume(inner[0]!, m, reference) : setVolume(inner, m, reference);
  return boxVolume(p, m, reference) - innerVolume;
}

function boxVolume(p: Float64Array, m: number, reference: ArrayLike<number>): number {
  let v = 1;
  for (let d = 0; d < m; d++) v *= reference[d]! - p[d]!;
  return v;
}

/** The points no other point weakly dominates (duplicates kept once), in their order. */
function nonDominated(points: readonly Float64Array[], m: number): Float64Array[] {
  const kept: Float64Array[] = [];
  for (let i = 0; i < points.length; i++) {
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++) {
      if (i === j) continue;
      const weakly = weaklyDominates(points[j]!, points[i]!, m);
      // Of two equal points keep the first.
      if (weakly && (!weaklyDominates(points[i]!, points[j]!, m) || j < i)) dominated = true;
    }
    if (!dominated) kept.push(points[i]!);
  }
  return kept;
}

function weaklyDominates(a: Float64Array, b: Float64Array, m: number): boolean {
  for (let d = 0; d < m; d++) if (a[d]! > b[d]!) return false;
  return true;
}
