// Small views shared by the pages: status badges, progress bars, metric formatting.
import { formatBytes } from '../../src/cli/format.js';
import { h } from './dom.js';
import type { DashboardRun } from './types.js';

export { formatBytes, formatCount } from '../../src/cli/format.js';
export { formatRecipe, percent } from '../../src/cli/format-recipe.js';

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status.toLowerCase()}` }, status);
}

/** Where a figure comes from: MEASURED here, PREDICTED by a device model, or COMPUTED exactly from the file. */
export function sourceBadge(source: 'MEASURED' | 'PREDICTED' | 'COMPUTED'): HTMLElement {
  return h('span', { class: `badge source-${source.toLowerCase()}` }, source);
}

/** Candidates settled (DONE, FAILED or INFEASIBLE) out of the evaluation budget, or the count so far. */
export function progressBar(run: DashboardRun): HTMLElement {
  const p = run.progress;
  const settled = p.done + p.failed + p.infeasible;
  const of = run.budget.evaluations ?? Math.max(p.total, 1);
  const share = Math.min(1, settled / of);
  const finished = run.status !== 'RUNNING' && run.status !== 'QUEUED';
  return h(
    'span',
    { class: 'progress', title: `${p.done} done, ${p.running} running, ${p.pending} pending, ${p.failed} failed, ${p.infeasible} infeasible, ${p.reused} reused` },
    h('progress', { max: 1, value: finished ? 1 : share }),
    ` ${settled}${run.budget.evaluations ? ` / ${run.budget.evaluations}` : ''} · ${p.done} done`,
  );
}

/** "≤ 20 ms · ≤ 256 KiB RAM · ≥ 80%" — or "none". */
export function limitsText(run: Pick<DashboardRun, 'constraints'>): string {
  const c = run.constraints;
  const parts: string[] = [];
  if (c.maxLatencyMs !== null) parts.push(`latency ≤ ${c.maxLatencyMs} ms`);
  if (c.maxRamKb !== null) parts.push(`RAM ≤ ${c.maxRamKb} KiB`);
  if (c.maxFlashKb !== null) parts.push(`flash ≤ ${c.maxFlashKb} KiB`);
  if (c.minAccuracy !== null) parts.push(`accuracy ≥ ${(c.minAccuracy * 100).toFixed(1)}%`);
  return parts.length > 0 ? parts.join(' · ') : 'none';
}

export function budgetText(run: Pick<DashboardRun, 'budget'>): string {
  const b = run.budget;
  return [b.evaluations !== null ? `${b.evaluations} evaluations` : '', b.seconds !== null ? `${b.seconds} s` : ''].filter((x) => x !== '').join(' or ');
}

export function bytesOrDash(b: number | null | undefined): string {
  return b === null || b === undefined ? '–' : formatBytes(b);
}

export function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '–';
}
