import { measureLatency, type LatencyOptions } from '../eval/measure-latency.js';
import type { Latency } from './latency-model.js';

/** A latency measured on this machine, with its spread. */
export interface HostMeasurement extends Latency {
  readonly source: 'MEASURED';
  readonly p90Ms: number;
  /** Coefficient of variation of the timed runs. */
  readonly cv: number;
  readonly runs: number;
}

/**
 * Measures single-image latency on the `host` device: onnxruntime-node, one thread, the median
 * of `runs` timed runs after `warmup` untimed ones (the evaluation's `measureLatency`).
 */
export async function measureOnHost(modelBytes: Uint8Array, options: LatencyOptions = {}): Promise<HostMeasurement> {
  const r = await measureLatency(modelBytes, options);
  return { ms: r.medianMs, source: 'MEASURED', p90Ms: r.p90Ms, cv: r.cv, runs: r.runs };
}
