import { WorkersError } from '../../errors.js';

/**
 * One tensor's damage curve, measured at a few points: `damage[k]` is what pruning `zeros[k]` of
 * its weights costs. Points in ascending order of zeros, the first at (0, 0).
 */
export interface DamageCurve {
  readonly zeros: readonly number[];
  readonly damage: readonly number[];
}

/** A stretch of one curve's lower convex hull: `dz` more zeros at `slope` damage per zero. */
interface Segment {
  readonly tensor: number;
  readonly dz: number;
  readonly slope: number;
}

/**
 * Zeros per tensor, summing to exactly `budget`, that minimise the summed damage Σ damage_i(z_i),
 * each curve read piecewise-linearly between its measured points and convexified (its lower convex
 * hull). This is the Lagrangian allocation of Shoham & Gersho, "Efficient bit allocation for an
 * arbitrary set of quantizers", IEEE Trans. ASSP 1988: for a multiplier λ every tensor takes the
 * hull point minimising damage − λ·zeros, and λ rises until the budget is spent. Rather than
 * bisecting λ, the hull segments of all tensors are taken in ascending order of slope (damage per
 * zero) — the order in which a rising λ crosses them — and the segment on which the budget runs out
 * is taken in part, by linear interpolation: the exact budget, with no rounding step. Ties of
 * slope go to the earlier tensor, so the result is deterministic.
 */
export function allocateZeros(curves: readonly DamageCurve[], budget: number): number[] {
  if (!Number.isInteger(budget) || budget < 0) throw new WorkersError('BAD_ARGUMENT', `budget must be an integer ≥ 0, got ${budget}`);
  const segments = curves.flatMap((curve, tensor) => hullSegments(curve, tensor));
  segments.sort((a, b) => a.slope - b.slope || a.tensor - b.tensor);
  const zeros = curves.map(() => 0);
  let left = budget;
  for (const s of segments) {
    if (left === 0) break;
    const take = Math.min(s.dz, left);
    zeros[s.tensor]! += take;
    left -= take;
  }
  if (left > 0) {
    const reach = curves.reduce((s, c) => s + (c.zeros.at(-1) ?? 0), 0);
    throw new WorkersError('BAD_ARGUMENT', `the damage curves reach ${reach} zeros in all, fewer than the budget of ${budget}`);
  }
  return zeros;
}

/**
 * The segments of a curve's lower convex hull (Andrew's monotone chain over points already sorted
 * by zeros), with strictly rising slopes: taken in slope order they are taken left to right.
 */
function hullSegments(curve: DamageCurve, tensor: number): Segment[] {
  const { zeros, damage } = curve;
  if (zeros.length !== damage.length || zeros[0] !== 0 || damage[0] !== 0) {
    throw new WorkersError('BAD_ARGUMENT', `damage curve ${tensor} must start at (0 zeros, 0 damage) with one damage per point`);
  }
  const hull: number[] = [0];
  for (let k = 1; k < zeros.length; k++) {
    if (!(zeros[k]! > zeros[k - 1]!)) throw new WorkersError('BAD_ARGUMENT', `damage curve ${tensor} must have strictly ascending zeros, got ${zeros.join(', ')}`);
    // Drop the last hull point while it lies on or above the chord from the one before it to k.
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      const cross = (zeros[b]! - zeros[a]!) * (damage[k]! - damage[a]!) - (damage[b]! - damage[a]!) * (zeros[k]! - zeros[a]!);
      if (cross > 0) break;
      hull.pop();
    }
    hull.push(k);
  }
  return hull.slice(1).map((k, j) => {
    const from = hull[j]!;
    const dz = zeros[k]! - zeros[from]!;
    return { tensor, dz, slope: (damage[k]! - damage[from]!) / dz };
  });
}
