/** A latency with the relative uncertainty of its prediction, when it has one. */
export interface UncertainLatency {
  readonly ms: number;
  /** Relative held-out error of the prediction (0.1 = ±10 %); absent for a measurement or a roofline. */
  readonly uncertainty?: number;
}

/**
 * Whether a latency limit lies within the prediction's uncertainty band ms·(1 ± uncertainty):
 * the model may meet the limit on the board or miss it, and the prediction cannot tell which.
 * A latency without an uncertainty is never borderline.
 */
export function latencyBorderline(latency: UncertainLatency, maxLatencyMs: number): boolean {
  const u = latency.uncertainty;
  if (u === undefined) return false;
  return latency.ms * (1 - u) <= maxLatencyMs && maxLatencyMs <= latency.ms * (1 + u);
}
