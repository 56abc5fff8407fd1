import { hypervolume } from '../../pareto/hypervolume.js';
import { normalCdf } from '../tpe/normal.js';

/**
 * A candidate whose first objective is uncertain and whose others are known exactly, in the
 * normalised, minimised units of the front (reference point 1 in every objective): the first
 * objective is Y = (exp(Z) − `offset`) / `scale` with Z ~ N(`mu`, `sigma`²) — a shifted, scaled
 * log-normal, as the sampler models the log error rate and normalises the error between the best
 * seen and the largest that counts — and `costs` are the other m − 1 objectives.
 */
export interface UncertainPoint {
  readonly mu: number;
  readonly sigma: number;
  readonly offset?: number;
  readonly scale?: number;
  readonly costs: Float64Array;
}

/** E[(t − Y)⁺] for a point's Y = (e^Z − offset) / scale: E[(t·scale + offset − e^Z)⁺] / scale. */
export function pointShortfall(point: UncertainPoint, t: number): number {
  const scale = point.scale ?? 1;
  return expectedShortfall(t * scale + (point.offset ?? 0), point.mu, point.sigma) / scale;
}

/**
 * E[(t − Y)⁺] for log-normal Y = exp(Z), Z ~ N(mu, sigma²): t·Φ(d) − e^(mu + sigma²/2)·Φ(d − sigma)
 * with d = (ln t − mu) / sigma (the Black–Scholes put price with zero rate).
 */
export function expectedShortfall(t: number, mu: number, sigma: number): number {
  if (t <= 0) return 0;
  if (sigma < 1e-9) return Math.max(0, t - Math.exp(mu));
  const d = (Math.log(t) - mu) / sigma;
  return t * normalCdf(d) - Math.exp(mu + (sigma * sigma) / 2) * normalCdf(d - sigma);
}

/**
 * Expected hypervolume improvement of one candidate over a front, exactly. Sort the front points
 * by their first objective, t₁ ≤ … ≤ t_F, with t₀ = −∞ and t_{F+1} = 1. At a level s of the first
 * objective, the candidate adds the part of its cost box [c, 1] not dominated by the front points
 * with first objective ≤ s; that area A_k is constant on [t_k, t_{k+1}). The improvement of a
 * candidate at y is therefore Σ_k A_k·|[max(y, t_k), t_{k+1}]|, and since
 * |[max(y, t_k), t_{k+1}]| = (t_{k+1} − y)⁺ − (t_k − y)⁺, its expectation is
 * Σ_k A_k·(E[(t_{k+1} − Y)⁺] − E[(t_k − Y)⁺]) — closed form for a log-normal Y
 * ({@link pointShortfall}). `front` is row-major, m columns, every objective minimised.
 */
export function expectedHypervolumeImprovement(front: Float64Array, m: number, point: UncertainPoint): number {
  const c = point.costs;
  let box = 1;
  for (let d = 0; d < m - 1; d++) box *= Math.max(0, 1 - c[d]!);
  if (box === 0) return 0;
  // Front points inside the reference box, their costs clipped to the candidate's box, by level.
  const inside: { level: number; costs: Float64Array }[] = [];
  for (let i = 0; i < front.length / m; i++) {
    const row = front.subarray(i * m, (i + 1) * m);
    if (row[0]! >= 1 || row.some((v, d) => d > 0 && v >= 1)) continue;
    inside.push({ level: row[0]!, costs: Float64Array.from({ length: m - 1 }, (_, d) => Math.max(row[d + 1]!, c[d]!)) });
  }
  inside.sort((a, b) => a.level - b.level);
  const covered = new Float64Array(inside.length * (m - 1));
  const reference = new Array<number>(m - 1).fill(1);
  let total = 0;
  let area = box;
  let shortfallLower = 0;
  for (let k = 0; k <= inside.length; k++) {
    const upper = k < inside.length ? inside[k]!.level : 1;
    const shortfallUpper = pointShortfall(point, upper);
    total += area * (shortfallUpper - shortfallLower);
    if (k === inside.length) break;
    covered.set(inside[k]!.costs, k * (m - 1));
    area = m === 1 ? 0 : box - hypervolume(covered.subarray(0, (k + 1) * (m - 1)), m - 1, reference);
    shortfallLower = shortfallUpper;
    if (area <= 1e-15) break;
  }
  return total;
}
