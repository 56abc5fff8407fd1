import { constraintViolation, writeMinimised, type Constraints, type Metric } from '../objectives/objectives.js';
import { paretoFront } from '../pareto/non-dominated-rank.js';
import type { Candidate } from '../store/types.js';
import { trialMetrics } from './trial-metrics.js';

/** DONE candidates that meet every constraint (val accuracy for `minAccuracy`). */
export function meetingConstraints(candidates: readonly Candidate[], constraints: Constraints): Candidate[] {
  return candidates.filter((c) => c.status === 'DONE' && c.metrics && constraintViolation(trialMetrics(c.metrics), constraints) === 0);
}

/**
 * The front of a set of candidates for some objectives under some constraints: the non-dominated
 * DONE candidates among those meeting the constraints, sorted by accuracy, best first. A run's own
 * front uses its objectives and constraints; a query of the stored front uses the caller's.
 */
export function frontOf(candidates: readonly Candidate[], objectives: readonly Metric[], constraints: Constraints): Candidate[] {
  const ok = meetingConstraints(candidates, constraints);
  const m = objectives.length;
  const values = new Float64Array(ok.length * m);
  ok.forEach((c, i) => writeMinimised(trialMetrics(c.metrics!), objectives, values, i * m));
  return paretoFront(values, m)
    .map((i) => ok[i]!)
    .sort((a, b) => b.metrics!.accuracy.val - a.metrics!.accuracy.val);
}
