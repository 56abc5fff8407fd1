import { SearchError } from '../errors.js';
import { show } from '@frontier/workers';

/**
 * What a trial reports, flattened from a candidate's metrics: validation accuracy in [0, 1],
 * latency on the run's device, peak RAM, ONNX file size, size packed for the device, parameter
 * count and multiply–accumulates. A pre-screened (infeasible) trial may hold only estimates.
 */
export interface TrialMetrics {
  readonly accuracy?: number;
  readonly latencyMs?: number;
  readonly peakRamBytes?: number;
  readonly modelBytes?: number;
  readonly deployBytes?: number;
  readonly params?: number;
  readonly macs?: number;
}

export const METRICS = ['accuracy', 'latencyMs', 'peakRamBytes', 'modelBytes', 'deployBytes', 'params', 'macs'] as const;
export type Metric = (typeof METRICS)[number];

/** Accuracy is maximised; every cost is minimised. */
export function metricDirection(metric: Metric): 'maximize' | 'minimize' {
  return metric === 'accuracy' ? 'maximize' : 'minimize';
}

/** Validates a run's objectives: a non-empty list of distinct metric names. */
export function parseObjectives(value: unknown): readonly Metric[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new SearchError('BAD_ARGUMENT', `objectives must be a non-empty list of ${METRICS.join(', ')}, got ${show(value)}`);
  }
  value.forEach((m, i) => {
    if (!(METRICS as readonly unknown[]).includes(m)) {
      throw new SearchError('BAD_ARGUMENT', `objectives[${i}] must be one of ${METRICS.join(', ')}, got ${show(m)}`);
    }
    if (value.indexOf(m) !== i) throw new SearchError('BAD_ARGUMENT', `objectives lists ${show(m)} twice`);
  });
  return value as Metric[];
}

/** Limits a candidate must meet to be feasible. Flash is the size packed for the device. */
export interface Constraints {
  readonly maxLatencyMs?: number;
  readonly maxRamBytes?: number;
  readonly maxFlashBytes?: number;
  readonly minAccuracy?: number;
}

/** Each constraint, the metric it limits and on which side. */
const CONSTRAINT_METRICS = {
  maxLatencyMs: { metric: 'latencyMs', side: 'max' },
  maxRamBytes: { metric: 'peakRamBytes', side: 'max' },
  maxFlashBytes: { metric: 'deployBytes', side: 'max' },
  minAccuracy: { metric: 'accuracy', side: 'min' },
} as const satisfies Record<keyof Constraints, { metric: Metric; side: 'max' | 'min' }>;

/** Validates constraints: an object of positive finite limits (accuracy in (0, 1]). */
export function parseConstraints(value: unknown): Constraints {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SearchError('BAD_ARGUMENT', `constraints must be an object, got ${show(value)}`);
  }
  const out: Record<string, number> = {};
  for (const [key, limit] of Object.entries(value)) {
    if (!(key in CONSTRAINT_METRICS)) {
      throw new SearchError('BAD_ARGUMENT', `unknown constraint ${show(key)} (allowed: ${Object.keys(CONSTRAINT_METRICS).join(', ')})`);
    }
    if (limit === undefined) continue;
    const ok = typeof limit === 'number' && Number.isFinite(limit) && limit > 0 && (key !== 'minAccuracy' || limit <= 1);
    if (!ok) throw new SearchError('BAD_ARGUMENT', `constraints.${key} must be a number > 0${key === 'minAccuracy' ? ' and ≤ 1' : ''}, got ${show(limit)}`);
    out[key] = limit;
  }
  return out;
}

/**
 * Writes the trial's objectives, turned into "minimise" (accuracy negated), to
 * `out[offset … offset + objectives.length)`. This is the one place objectives change direction.
 */
export function writeMinimised(metrics: TrialMetrics, objectives: readonly Metric[], out: Float64Array, offset: number): void {
  for (let k = 0; k < objectives.length; k++) {
    const m = objectives[k]!;
    const v = metrics[m];
    if (v === undefined || !Number.isFinite(v)) throw new SearchError('BAD_ARGUMENT', `trial metrics.${m} must be a finite number, got ${show(v)}`);
    out[offset + k] = metricDirection(m) === 'maximize' ? -v : v;
  }
}

/**
 * Total constraint violation: the sum over constraints of the relative shortfall,
 * max(0, (value − limit) / limit) for a maximum and max(0, (limit − value) / limit) for a minimum,
 * so that limits in different units add up. 0 means feasible. A metric the trial does not report
 * (a pre-screen estimate without accuracy) adds nothing.
 */
export function constraintViolation(metrics: TrialMetrics, constraints: Constraints): number {
  let total = 0;
  for (const [key, { metric, side }] of Object.entries(CONSTRAINT_METRICS)) {
    const limit = constraints[key as keyof Constraints];
    const v = metrics[metric];
    if (limit === undefined || v === undefined) continue;
    total += Math.max(0, side === 'max' ? (v - limit) / limit : (limit - v) / limit);
  }
  return total;
}

/** One limit a trial misses, and by how much (in the limit's own unit and relative to it). */
export interface ConstraintMiss {
  readonly constraint: keyof Constraints;
  readonly limit: number;
  readonly value: number;
  /** How far past the limit the value is, in the limit's unit (always > 0). */
  readonly excess: number;
  /** `excess / limit`, the term this miss adds to {@link constraintViolation}. */
  readonly relative: number;
}

/** Every limit the trial misses, in the order of {@link Constraints}' keys; empty when feasible. */
export function constraintMisses(metrics: TrialMetrics, constraints: Constraints): ConstraintMiss[] {
  const out: ConstraintMiss[] = [];
  for (const [key, { metric, side }] of Object.entries(CONSTRAINT_METRICS)) {
    const limit = constraints[key as keyof Constraints];
    const value = metrics[metric];
    if (limit === undefined || value === undefined) continue;
    const excess = side === 'max' ? value - limit : limit - value;
    if (excess > 0) out.push({ constraint: key as keyof Constraints, limit, value, excess, relative: excess / limit });
  }
  return out;
}
