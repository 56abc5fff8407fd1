import { WorkersError } from '../errors.js';

/** How well predicted latencies match measured ones. */
export interface PredictionAccuracy {
  readonly count: number;
  /** Share of predictions within ±10% of the measurement. */
  readonly within10: number;
  /** Share within ±25%. */
  readonly within25: number;
  /** Median of |predicted − measured| / measured. */
  readonly medianAbsRelativeError: number;
  /** Spearman's rank correlation between predicted and measured. */
  readonly spearman: number;
}

/** Accuracy of predictions against measurements (paired by index; at least two pairs). */
export function predictionAccuracy(predicted: readonly number[], measured: readonly number[]): PredictionAccuracy {
  if (predicted.length !== measured.length || predicted.length < 2) {
    throw new WorkersError('BAD_ARGUMENT', `need at least 2 paired values, got ${predicted.length} predicted and ${measured.length} measured`);
  }
  const rel = predicted.map((p, i) => Math.abs(p - measured[i]!) / measured[i]!);
  const share = (limit: number) => rel.filter((r) => r <= limit).length / rel.length;
  const sorted = [...rel].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { count: rel.length, within10: share(0.1), within25: share(0.25), medianAbsRelativeError: median, spearman: spearman(predicted, measured) };
}

/**
 * Spearman's rank correlation: Pearson's correlation of the ranks, ties given their average rank
 * (the definition that stays exact with ties, unlike 1 − 6Σd²/(n(n²−1))). NaN when either side is
 * constant.
 */
export function spearman(a: readonly number[], b: readonly number[]): number {
  return pearson(ranks(a), ranks(b));
}

function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]![1]] = rank;
    i = j + 1;
  }
  return out;
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
