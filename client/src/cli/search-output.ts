import { SingleBar } from 'cli-progress';
import type { Candidate, RunEvent } from '@frontier/search';
import { latencyBorderline } from '@frontier/workers';
import { formatBytes, formatCount, table } from './format.js';
import { formatRecipe, percent } from './format-recipe.js';
import type { CliIo } from './io.js';

/** A latency as the store and the API both give it; `uncertainty` only on a PREDICTED one. */
export interface LatencyFigure {
  readonly ms: number;
  readonly source: 'MEASURED' | 'PREDICTED';
  readonly uncertainty?: number | null | undefined;
}

/** How a member's latency reads: its source, the uncertainty of a prediction, and BORDERLINE when the
 * limit lies within that uncertainty (it may pass or miss on the board). */
export function formatLatency(latency: LatencyFigure, maxLatencyMs: number | undefined): string {
  const uncertainty = latency.uncertainty ?? undefined;
  const u = uncertainty !== undefined ? ` ±${(uncertainty * 100).toFixed(0)}%` : '';
  const border = maxLatencyMs !== undefined && latencyBorderline({ ms: latency.ms, ...(uncertainty !== undefined ? { uncertainty } : {}) }, maxLatencyMs) ? ` BORDERLINE (limit ${maxLatencyMs} ms)` : '';
  return `${latency.ms.toFixed(3)} ms ${latency.source === 'MEASURED' ? 'measured' : 'predicted'}${u}${border}`;
}

/** One front member as a table shows it, from a stored candidate or from the API's view of one. */
export interface FrontRow {
  readonly recipe: unknown;
  readonly accuracy: number | null | undefined;
  readonly testAccuracy: number | null | undefined;
  readonly latency: LatencyFigure;
  readonly peakRamBytes: number;
  readonly deployBytes: number;
  readonly nonzeroParams: number;
  readonly macs: number;
  readonly artifactSha256: string;
}

/** One row per front member, in the order given; latencies near `maxLatencyMs` are marked. */
export function frontRowsTable(rows: readonly FrontRow[], maxLatencyMs?: number): string {
  if (rows.length === 0) return '(no candidate meets the constraints yet)';
  return table(
    ['#', 'recipe', 'val acc', 'test acc', 'latency', 'peak RAM', 'deploy', 'params', 'MACs', 'artifact'],
    rows.map((r, i) => [
      String(i + 1),
      formatRecipe(r.recipe),
      percent(r.accuracy ?? undefined),
      percent(r.testAccuracy ?? undefined),
      formatLatency(r.latency, maxLatencyMs),
      formatBytes(r.peakRamBytes),
      formatBytes(r.deployBytes),
      formatCount(r.nonzeroParams),
      formatCount(r.macs),
      r.artifactSha256.slice(0, 12),
    ]),
  );
}

/** One row per front member, best val accuracy first; latencies near `maxLatencyMs` are marked. */
export function frontTable(front: readonly Candidate[], maxLatencyMs?: number): string {
  return frontRowsTable(
    front.map((c) => {
      const m = c.metrics!;
      return { recipe: c.recipe, accuracy: m.accuracy.val, testAccuracy: m.accuracy.test, latency: m.latency, peakRamBytes: m.peakRamBytes, deployBytes: m.deployBytes, nonzeroParams: m.nonzeroParams, macs: m.macs, artifactSha256: c.artifactSha256 ?? '' };
    }),
    maxLatencyMs,
  );
}

/**
 * Live progress on stderr: a bar on a terminal, otherwise one line per finished candidate (so logs
 * of product builds say what happened). Returns the listener and a function that stops the bar.
 */
export function progressReporter(io: CliIo, total: number | undefined): { listener: (e: RunEvent) => void; stop: () => void } {
  let finished = 0;
  let best = 0;
  const bar = io.interactive && total !== undefined
    ? new SingleBar({ format: 'search [{bar}] {value}/{total} evaluated | {infeasible} ruled out | best val acc {best} | {last}', stream: process.stderr, hideCursor: true })
    : undefined;
  let infeasible = 0;
  bar?.start(total!, 0, { infeasible: 0, best: '–', last: '' });
  const listener = (e: RunEvent) => {
    if (e.type !== 'candidateFinished') return;
    const c = e.candidate;
    if (c.status === 'INFEASIBLE') infeasible++;
    else finished++;
    if (c.metrics) best = Math.max(best, c.metrics.accuracy.val);
    const what = c.status === 'DONE'
      ? `${percent(c.metrics!.accuracy.val)} ${c.metrics!.latency.ms.toFixed(3)} ms ${formatBytes(c.metrics!.deployBytes)}${c.reusedFrom ? ' (reused)' : ''}`
      : (c.failureReason ?? '');
    if (bar) bar.update(finished, { infeasible, best: percent(best), last: `${c.status} ${formatRecipe(c.recipe)}` });
    else io.err(`[${finished}${total !== undefined ? `/${total}` : ''}] ${c.status.padEnd(10)} ${formatRecipe(c.recipe)} — ${what}`);
  };
  return { listener, stop: () => bar?.stop() };
}

/**
 * Why every evaluated candidate of a run failed, as "n × reason" lines, most frequent first; empty
 * when some candidate succeeded or none was evaluated.
 */
export function failureSummary(candidates: readonly Candidate[]): string {
  if (candidates.some((c) => c.status === 'DONE')) return '';
  const counts = new Map<string, number>();
  for (const c of candidates) if (c.status === 'FAILED') counts.set(c.failureReason ?? 'no reason recorded', (counts.get(c.failureReason ?? 'no reason recorded') ?? 0) + 1);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return '';
  const lines = [...counts].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `  ${n} × ${reason}`);
  return `every evaluated candidate FAILED (${total}):\n${lines.join('\n')}`;
}
