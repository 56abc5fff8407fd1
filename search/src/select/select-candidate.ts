import { constraintMisses, constraintViolation, type ConstraintMiss, type Constraints } from '../objectives/objectives.js';
import { trialMetrics } from '../engine/trial-metrics.js';
import type { Candidate } from '../store/types.js';

/** What a selection favours among the candidates that meet every limit. */
export type Preference = 'ACCURACY' | 'LATENCY' | 'SIZE';

export interface SelectOptions {
  /** Usually the members of a stored front; only DONE candidates with metrics are considered. */
  readonly candidates: readonly Candidate[];
  readonly constraints: Constraints;
  /** Default `ACCURACY`. */
  readonly prefer?: Preference;
}

/**
 * The outcome of a selection: the chosen candidate when one meets every limit; otherwise none, the
 * candidate that comes nearest (smallest total relative violation) and the limits it misses.
 */
export type Selection =
  | { readonly candidate: Candidate; readonly unsatisfied: readonly [] }
  | { readonly candidate?: undefined; readonly nearest?: Candidate; readonly unsatisfied: readonly ConstraintMiss[] };

type Key = (c: Candidate) => number;
const accuracy: Key = (c) => -c.metrics!.accuracy.val;
const latency: Key = (c) => c.metrics!.latency.ms;
const size: Key = (c) => c.metrics!.deployBytes;

/** Sort keys per preference, all minimised; later keys break ties of earlier ones, the id last. */
const ORDER: Record<Preference, readonly Key[]> = {
  ACCURACY: [accuracy, latency, size],
  LATENCY: [latency, accuracy, size],
  SIZE: [size, accuracy, latency],
};

/**
 * Picks one candidate under constraints. Deterministic: the same candidates in any order give the
 * same answer (ties broken by the other metrics, then by id). When nothing qualifies, reports the
 * nearest miss, so a caller can say which limit to relax and by how much.
 */
export function selectCandidate(options: SelectOptions): Selection {
  const pool = options.candidates.filter((c) => c.status === 'DONE' && c.metrics !== undefined);
  const keys = ORDER[options.prefer ?? 'ACCURACY'];
  const qualifying = pool.filter((c) => constraintViolation(trialMetrics(c.metrics!), options.constraints) === 0);
  if (qualifying.length > 0) return { candidate: qualifying.sort((a, b) => compare(a, b, keys))[0]!, unsatisfied: [] };
  const violation = (c: Candidate): number => constraintViolation(trialMetrics(c.metrics!), options.constraints);
  const nearest = pool.sort((a, b) => violation(a) - violation(b) || compare(a, b, keys))[0];
  if (!nearest) return { unsatisfied: [] };
  return { nearest, unsatisfied: constraintMisses(trialMetrics(nearest.metrics!), options.constraints) };
}

function compare(a: Candidate, b: Candidate, keys: readonly Key[]): number {
  for (const key of keys) {
    const d = key(a) - key(b);
    if (d !== 0) return d;
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
