/** One measured figure of a benchmark section. */
export interface BenchRecord {
  /** What was measured, e.g. `ort.inference.throughput`. */
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The peer or physical limit measured in the same run, when there is one. */
  readonly against?: { readonly name: string; readonly value: number; readonly unit: string };
  /** value / against.value (or the inverse, as `ratioMeaning` says). */
  readonly ratio?: number;
  readonly ratioMeaning?: string;
  /** Conditions and caveats: sizes, repetitions, why a peer is missing. */
  readonly note?: string;
}

/** A benchmark section: a name (the CLI argument and the JSON file name) and its measurements. */
export interface BenchSection {
  readonly name: string;
  readonly description: string;
  run(): Promise<BenchRecord[]>;
}

/** Median of a list of numbers (the list is not modified). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile q ∈ [0, 1]. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
