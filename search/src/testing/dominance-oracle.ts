// The Pareto front by its definition, for tests: an O(n²) comparison of every pair, written from
// the metric fields directly — no shared code with `search/src/pareto` or `objectives`.
import type { Candidate, CandidateMetrics } from '../store/types.js';

/**
 * Whether `a` dominates `b` on the stored front's objectives: val accuracy at least as high, and
 * latency, peak RAM and deploy bytes at most as high, with at least one strictly better.
 */
export function dominatesByDefinition(a: CandidateMetrics, b: CandidateMetrics): boolean {
  const noWorse =
    a.accuracy.val >= b.accuracy.val && a.latency.ms <= b.latency.ms && a.peakRamBytes <= b.peakRamBytes && a.deployBytes <= b.deployBytes;
  const better =
    a.accuracy.val > b.accuracy.val || a.latency.ms < b.latency.ms || a.peakRamBytes < b.peakRamBytes || a.deployBytes < b.deployBytes;
  return noWorse && better;
}

/**
 * Ids of the DONE candidates within the device's limits that no other such candidate dominates,
 * sorted: what the stored front of their (model, dataset, device) must hold.
 */
export function bruteForceFront(candidates: readonly Candidate[], device: { ramBytes: number; flashBytes: number }): string[] {
  const fit = candidates.filter(
    (c) => c.status === 'DONE' && c.metrics !== undefined && c.metrics.peakRamBytes <= device.ramBytes && c.metrics.deployBytes <= device.flashBytes,
  );
  return fit
    .filter((c) => !fit.some((other) => other !== c && dominatesByDefinition(other.metrics!, c.metrics!)))
    .map((c) => c.id)
    .sort();
}
