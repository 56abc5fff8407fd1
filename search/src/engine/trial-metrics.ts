import type { TrialMetrics } from '../objectives/objectives.js';
import type { Trial } from '../samplers/sampler.js';
import type { Recipe } from '@frontier/workers';
import type { Candidate, CandidateEstimates, CandidateMetrics } from '../store/types.js';

/** A stored candidate's measured metrics in the samplers' flat form. */
export function trialMetrics(m: CandidateMetrics): TrialMetrics {
  return {
    accuracy: m.accuracy.val,
    latencyMs: m.latency.ms,
    peakRamBytes: m.peakRamBytes,
    modelBytes: m.modelBytes,
    deployBytes: m.deployBytes,
    params: m.params,
    macs: m.macs,
  };
}

/** Pre-screen estimates in the samplers' flat form. */
export function estimateMetrics(e: CandidateEstimates): TrialMetrics {
  const out: { -readonly [K in keyof TrialMetrics]: TrialMetrics[K] } = {};
  if (e.latencyMs !== undefined) out.latencyMs = e.latencyMs;
  if (e.peakRamBytes !== undefined) out.peakRamBytes = e.peakRamBytes;
  if (e.deployBytes !== undefined) out.deployBytes = e.deployBytes;
  if (e.params !== undefined) out.params = e.params;
  if (e.macs !== undefined) out.macs = e.macs;
  return out;
}

/**
 * The sampler's view of a finished candidate, or undefined while it is still pending or running.
 * `recipe` is the candidate's recipe as the engine holds it (validated where it entered).
 */
export function candidateTrial(c: Candidate, recipe: Recipe): Trial | undefined {
  switch (c.status) {
    case 'DONE':
      return { recipe, status: 'done', metrics: trialMetrics(c.metrics!) };
    case 'INFEASIBLE':
      return { recipe, status: 'infeasible', metrics: estimateMetrics(c.estimates ?? {}) };
    case 'FAILED':
      return { recipe, status: 'failed' };
    default:
      return undefined;
  }
}
