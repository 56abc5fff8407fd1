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

/**
 * Evaluations (DONE or FAILED) out of the evaluation budget; recipes the pre-screen ruled out cost
 * no evaluation and are counted apart.
 */
export function progressBar(run: DashboardRun): HTMLElement {
  const p = run.progress;
  const evaluated = p.done + p.failed;
  const of = run.budget.evaluations;
  const finished = run.status !== 'RUNNING' && run.status !== 'QUEUED';
  const share = finished ? 1 : of ? Math.min(1, evaluated / of) : 0;
  const extra = [p.running > 0 ? `${p.running} running` : '', p.failed > 0 ? `${p.failed} failed` : '', p.infeasible > 0 ? `${p.infeasible} ruled out` : ''].filter((x) => x !== '');
  return h(
    'span',
    { class: 'progress', title: `${p.done} done, ${p.running} running, ${p.pending} pending, ${p.failed} failed, ${p.infeasible} ruled out by the pre-screen, ${p.reused} reused` },
    h('progress', { max: 1, value: share }),
    ` ${evaluated}${of ? ` / ${of}` : ''} evaluated${extra.length > 0 ? ` · ${extra.join(' · ')}` : ''}`,
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
