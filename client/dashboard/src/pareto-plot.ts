// The run page's Pareto plot (Observable Plot): accuracy against latency, peak RAM or deployed
// size. Members of the stored front (non-dominated over all four objectives, within the limits) are
// solid, and the trade-off curve on the two axes shown joins those of them no other beats on both;
// dominated and infeasible points are faded. The run's limits are drawn, the recipe shows on
// hover, and a click opens the candidate.
import * as Plot from '@observablehq/plot';
import { formatRecipe, percent } from '../../src/cli/format-recipe.js';
import type { DashboardCandidate, DashboardRun } from './types.js';

export type XAxis = 'latency' | 'ram' | 'size';

export const X_AXES: Readonly<Record<XAxis, { readonly label: string; readonly unit: string }>> = {
  latency: { label: 'latency', unit: 'ms' },
  ram: { label: 'peak RAM', unit: 'KiB' },
  size: { label: 'deployed size', unit: 'KiB' },
};

type Kind = 'front' | 'dominated' | 'infeasible';

interface Point {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly kind: Kind;
  readonly title: string;
}

/** A candidate's value on the x axis, measured when DONE, else the pre-screen's estimate. */
function xOf(c: DashboardCandidate, axis: XAxis): number | undefined {
  const estimates = c.status === 'INFEASIBLE' ? (c.estimates as Readonly<Record<string, number>> | null) : null;
  const kib = (b: number | null | undefined) => (b === null || b === undefined ? undefined : b / 1024);
  switch (axis) {
    case 'latency':
      return c.latency?.ms ?? estimates?.['latencyMs'];
    case 'ram':
      return kib(c.peakRamBytes ?? estimates?.['peakRamBytes']);
    case 'size':
      return kib(c.deployBytes ?? estimates?.['deployBytes']);
  }
}

/** The limit on the x axis, in its unit. */
function xLimit(run: DashboardRun, axis: XAxis): number | null {
  const c = run.constraints;
  return axis === 'latency' ? c.maxLatencyMs : axis === 'ram' ? c.maxRamKb : c.maxFlashKb;
}

/** True when a measured candidate meets every limit of the run. */
export function meetsLimits(c: DashboardCandidate, run: DashboardRun): boolean {
  const k = run.constraints;
  const over = (value: number | null | undefined, limit: number | null) => limit !== null && value !== null && value !== undefined && value > limit;
  if (k.minAccuracy !== null && (c.accuracy ?? 0) < k.minAccuracy) return false;
  return !over(c.latency?.ms, k.maxLatencyMs) && !over((c.peakRamBytes ?? 0) / 1024, k.maxRamKb) && !over((c.deployBytes ?? 0) / 1024, k.maxFlashKb);
}

/** Indices of the points no other point beats on both axes (higher y, lower x), by increasing x. */
function front2d(points: readonly { x: number; y: number }[]): Set<number> {
  const order = points.map((_, i) => i).sort((a, b) => points[a]!.x - points[b]!.x || points[b]!.y - points[a]!.y);
  const kept = new Set<number>();
  let best = -Infinity;
  for (const i of order) {
    if (points[i]!.y > best) {
      kept.add(i);
      best = points[i]!.y;
    }
  }
  return kept;
}

function describe(c: DashboardCandidate, note: string): string {
  const lines = [`#${c.seq} ${formatRecipe(c.recipe)}`];
  if (c.accuracy !== null) lines.push(`accuracy ${percent(c.accuracy)}`);
  if (c.latency) lines.push(`latency ${c.latency.ms.toFixed(2)} ms ${c.latency.source}`);
  if (c.peakRamBytes !== null) lines.push(`peak RAM ${(c.peakRamBytes / 1024).toFixed(1)} KiB`);
  if (c.deployBytes !== null) lines.push(`deployed ${(c.deployBytes / 1024).toFixed(1)} KiB`);
  lines.push(note);
  return lines.join('\n');
}

/** The points to draw: DONE candidates by their metrics, INFEASIBLE ones by their estimates. */
export function paretoPoints(o: { candidates: readonly DashboardCandidate[]; run: DashboardRun; axis: XAxis; front: ReadonlySet<string> }): Point[] {
  const { candidates, run, axis } = o;
  const measured = candidates.filter((c) => c.status === 'DONE' && c.accuracy !== null);
  const feasible = measured.filter((c) => meetsLimits(c, run));
  const points: Point[] = feasible.map((c) => {
    const kind: Kind = o.front.has(c.id) ? 'front' : 'dominated';
    return { id: c.id, x: xOf(c, axis) ?? 0, y: c.accuracy!, kind, title: describe(c, kind === 'front' ? 'on the front' : 'dominated') };
  });
  for (const c of measured) {
    if (!meetsLimits(c, run)) points.push({ id: c.id, x: xOf(c, axis) ?? 0, y: c.accuracy!, kind: 'infeasible', title: describe(c, 'misses a limit') });
  }
  return points.concat(infeasibleEstimates(candidates, axis));
}

/** Ruled out by the pre-screen: no accuracy was measured, so they sit on the x axis at their estimate. */
function infeasibleEstimates(candidates: readonly DashboardCandidate[], axis: XAxis): Point[] {
  const out: Point[] = [];
  for (const c of candidates) {
    if (c.status !== 'INFEASIBLE') continue;
    const x = xOf(c, axis);
    if (x !== undefined) out.push({ id: c.id, x, y: Number.NaN, kind: 'infeasible', title: `#${c.seq} ${formatRecipe(c.recipe)}\nruled out before evaluation: ${c.failure ?? 'infeasible'}` });
  }
  return out;
}

/**
 * The accuracy axis, in percent (the scale's `percent` applies before its domain), over the drawn
 * accuracies `ys` (measured, and the floor the ruled-out sit on): 0–100 before anything is
 * measured; ±5 points around a single value (a zero-width domain draws no usable ticks);
 * otherwise the scale's own.
 */
function yDomain(ys: readonly number[], measured: number): [number, number] | undefined {
  if (measured === 0) return [0, 100];
  const low = Math.min(...ys) * 100;
  const high = Math.max(...ys) * 100;
  return high > low ? undefined : [Math.max(0, low - 5), Math.min(100, high + 5)];
}

/** Draws the plot; `open` is called with a candidate id when a point is clicked. */
export function paretoPlot(o: { points: readonly Point[]; run: DashboardRun; axis: XAxis; width: number; open(id: string): void }): Element {
  const { points, run, axis } = o;
  const measured = points.filter((p) => !Number.isNaN(p.y));
  const ys = measured.map((p) => p.y);
  const floor = ys.length > 0 ? Math.max(0, Math.min(...ys) - 0.02) : 0;
  const ruledOut = points.filter((p) => Number.isNaN(p.y)).map((p) => ({ ...p, y: floor }));
  const members = measured.filter((p) => p.kind === 'front');
  const onCurve = front2d(members);
  const curve = members.filter((_, i) => onCurve.has(i)).sort((a, b) => a.x - b.x);
  const limit = xLimit(run, axis);
  const xs = points.map((p) => p.x);
  const xMax = Math.max(0, ...xs);
  // A limit far beyond every point would squash them against the axis: it is then named, not drawn.
  const limitShown = limit !== null && (xs.length === 0 || limit <= 2 * xMax);
  const minAccuracy = run.constraints.minAccuracy;
  const all = [...measured, ...ruledOut];
  const plot = Plot.plot({
    width: o.width,
    height: 380,
    marginLeft: 56,
    grid: true,
    x: { label: `${X_AXES[axis].label} (${X_AXES[axis].unit}) →`, nice: true, zero: true },
    y: { label: '↑ accuracy (val, %)', percent: true, nice: true, domain: yDomain(all.map((p) => p.y), measured.length) },
    color: { domain: ['front', 'dominated', 'infeasible'], range: ['#1f6feb', '#8b949e', '#d1242f'], legend: true },
    marks: [
      limit !== null && limitShown ? Plot.ruleX([limit], { stroke: '#d1242f', strokeDasharray: '6,4' }) : null,
      limit !== null && !limitShown ? Plot.text([`limit ${limit} ${X_AXES[axis].unit} →`], { frameAnchor: 'top-right', fill: '#d1242f', dy: 4 }) : null,
      minAccuracy !== null ? Plot.ruleY([minAccuracy], { stroke: '#d1242f', strokeDasharray: '6,4' }) : null,
      Plot.line(curve, { x: 'x', y: 'y', stroke: '#1f6feb', strokeWidth: 2, curve: 'step-after' }),
      Plot.dot(all.filter((p) => p.kind === 'dominated'), { x: 'x', y: 'y', fill: 'kind', fillOpacity: 0.35, r: 4 }),
      Plot.dot(all.filter((p) => p.kind === 'infeasible'), { x: 'x', y: 'y', stroke: 'kind', symbol: 'times', strokeOpacity: 0.45, r: 4 }),
      Plot.dot(members, { x: 'x', y: 'y', fill: 'kind', r: 5, stroke: 'white' }),
      Plot.tip(all, Plot.pointer({ x: 'x', y: 'y', title: 'title', maxRadius: 20 })),
    ],
  });
  plot.addEventListener('click', () => {
    const chosen = (plot as unknown as { value: Point | null }).value;
    if (chosen) o.open(chosen.id);
  });
  plot.setAttribute('data-points', String(measured.length));
  plot.setAttribute('data-front', String(members.length));
  plot.setAttribute('data-infeasible', String(all.filter((p) => p.kind === 'infeasible').length));
  return plot;
}
