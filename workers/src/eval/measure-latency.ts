import * as ort from 'onnxruntime-node';
import { WorkersError } from '../errors.js';
import { formatShape, runSession, sessionInput, withSession } from './session.js';

export interface LatencyOptions {
  /** Untimed runs first, to page in weights and let ORT allocate its buffers. Default 10. */
  readonly warmup?: number;
  /** Timed runs. Default 50. */
  readonly runs?: number;
}

/** Wall-clock statistics of single-image inference on this host, in milliseconds. */
export interface LatencyResult {
  readonly medianMs: number;
  /** 90th percentile (linear interpolation between order statistics). */
  readonly p90Ms: number;
  readonly meanMs: number;
  readonly minMs: number;
  readonly runs: number;
  /** Coefficient of variation: sample standard deviation / mean. */
  readonly cv: number;
}

/** Latency of one-image inference of a model on this host (ORT, one thread). */
export async function measureLatency(modelBytes: Uint8Array, options: LatencyOptions = {}): Promise<LatencyResult> {
  return withSession(modelBytes, (session) => latencyInSession(session, options));
}

/**
 * Times `runs` single-image `session.run` calls after `warmup` untimed ones, with an open session.
 * Each time is of the awaited call as Node sees it, so it includes the binding's small fixed
 * overhead (tensor wrapping, the promise) — the latency a Frontier worker experiences. The input
 * is a fixed pattern, not zeros, so no kernel can take a shortcut on an all-zero image.
 */
export async function latencyInSession(session: ort.InferenceSession, options: LatencyOptions = {}): Promise<LatencyResult> {
  const warmup = count('warmup', options.warmup ?? 10, 0);
  const runs = count('runs', options.runs ?? 50, 1);
  const input = sessionInput(session);
  const dims = input.shape.map((d, i) => {
    if (i === 0) return 1;
    if (typeof d === 'number' && d > 0) return d;
    throw new WorkersError('BAD_MODEL', `cannot measure latency: input ${input.name} ${formatShape(input.shape)} has a symbolic dim at position ${i}`);
  });
  const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 37) % 256) / 255);
  const feeds = { [input.name]: new ort.Tensor('float32', data, dims) };
  for (let i = 0; i < warmup; i++) await runSession(session, feeds);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await runSession(session, feeds);
    times.push(performance.now() - t0);
  }
  return latencyStats(times);
}

/** Median, p90, mean, min and coefficient of variation of a list of times. */
export function latencyStats(times: readonly number[]): LatencyResult {
  const sorted = [...times].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = sorted.reduce((s, t) => s + t, 0) / n;
  const variance = n > 1 ? sorted.reduce((s, t) => s + (t - mean) ** 2, 0) / (n - 1) : 0;
  return { medianMs: quantile(sorted, 0.5), p90Ms: quantile(sorted, 0.9), meanMs: mean, minMs: sorted[0]!, runs: n, cv: mean > 0 ? Math.sqrt(variance) / mean : 0 };
}

/** Quantile q of sorted values, interpolating linearly between neighbours. */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function count(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new WorkersError('BAD_ARGUMENT', `${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}
