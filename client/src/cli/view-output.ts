// How the store commands print what the API returns (the same documents answer embedded and remote).
import type { CandidateView, RunView } from '../graphql/documents.js';
import { formatBytes } from './format.js';
import { formatRecipe, percent } from './format-recipe.js';
import { formatLatency, frontRowsTable, type FrontRow } from './search-output.js';

/** A DONE candidate of the API as a front table row. */
export function rowOfView(c: CandidateView): FrontRow {
  return {
    recipe: c.recipe,
    accuracy: c.accuracy,
    testAccuracy: c.testAccuracy,
    latency: c.latency ?? { ms: Number.NaN, source: 'PREDICTED' },
    peakRamBytes: c.peakRamBytes ?? Number.NaN,
    deployBytes: c.deployBytes ?? Number.NaN,
    nonzeroParams: c.nonzeroParams ?? Number.NaN,
    macs: c.macs ?? Number.NaN,
    artifactSha256: c.artifact?.sha256 ?? '',
  };
}

/** The front table of API candidates. */
export function viewTable(members: readonly CandidateView[], maxLatencyMs?: number | null): string {
  return frontRowsTable(members.map(rowOfView), maxLatencyMs ?? undefined);
}

/** `latency ≤ 5 ms, peak RAM ≤ 256 KiB, deploy ≤ 300 KiB, val acc ≥ 80.00%`, or `no limits`. */
export function formatLimits(c: { maxLatencyMs?: number | null; maxRamKb?: number | null; maxFlashKb?: number | null; minAccuracy?: number | null }): string {
  const parts: string[] = [];
  if (c.maxLatencyMs != null) parts.push(`latency ≤ ${c.maxLatencyMs} ms`);
  if (c.maxRamKb != null) parts.push(`peak RAM ≤ ${c.maxRamKb} KiB`);
  if (c.maxFlashKb != null) parts.push(`deploy ≤ ${c.maxFlashKb} KiB`);
  if (c.minAccuracy != null) parts.push(`val acc ≥ ${percent(c.minAccuracy)}`);
  return parts.length > 0 ? parts.join(', ') : 'no limits';
}

/** `5 evaluations`, `60 s`, or `5 evaluations or 60 s`. */
export function formatBudget(b: RunView['budget']): string {
  const parts = [b.evaluations != null ? `${b.evaluations} evaluations` : '', b.seconds != null ? `${b.seconds} s` : ''].filter(Boolean);
  return parts.join(' or ');
}

/** `3/5` evaluated against the budget (`3` with a time budget only). */
export function formatEvaluated(run: RunView): string {
  const n = run.progress.done + run.progress.failed;
  return run.budget.evaluations != null ? `${n}/${run.budget.evaluations}` : String(n);
}

/** The one-line summary `search` also prints at the end of a run. */
export function runSummaryLine(run: RunView): string {
  const p = run.progress;
  return `run ${run.id} ${run.status}: ${p.done} evaluated (${p.reused} reused), ${p.infeasible} ruled out by the pre-screen, ${p.failed} failed, ${(run.elapsedMs / 1000).toFixed(1)} s`;
}

/** Metrics of one candidate on one line, the latency saying where it comes from. */
export function candidateMetricsLine(c: CandidateView, maxLatencyMs?: number | null): string {
  const parts = [`val acc ${percent(c.accuracy ?? undefined)}`, `test acc ${percent(c.testAccuracy ?? undefined)}`];
  if (c.latency) parts.push(`latency ${formatLatency(c.latency, maxLatencyMs ?? undefined)}`);
  if (c.peakRamBytes != null) parts.push(`peak RAM ${formatBytes(c.peakRamBytes)}`);
  if (c.deployBytes != null) parts.push(`deploy ${formatBytes(c.deployBytes)}`);
  if (c.modelBytes != null) parts.push(`file ${formatBytes(c.modelBytes)}`);
  return parts.join(', ');
}

/** `lowRank 0.30 · quant w8/a8` for an API candidate. */
export function candidateRecipe(c: CandidateView): string {
  return formatRecipe(c.recipe);
}
