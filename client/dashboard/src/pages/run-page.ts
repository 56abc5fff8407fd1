// One run: its settings and progress, the Pareto plot and the candidates, all kept current from the
// `searchProgress` subscription (a snapshot first, then each candidate, front and status change).
import { request, subscribe } from '../api.js';
import { BUILTIN_DATASET, builtinLabel, datasetLabel } from '../dataset-label.js';
import { CANCEL_SEARCH, RUN, RUN_CANDIDATES, SEARCH_PROGRESS } from '../documents.js';
import type { ResultOf } from '../../../src/graphql/graphql.js';
import { h, replace } from '../dom.js';
import { paretoPlot, paretoPoints, X_AXES, type XAxis } from '../pareto-plot.js';
import { errorLine, showError } from '../show-error.js';
import type { DashboardCandidate, DashboardRun } from '../types.js';
import { budgetText, bytesOrDash, formatRecipe, limitsText, percent, progressBar, sourceBadge, statusBadge, when } from '../view.js';

const AXIS_KEY = 'frontier.axis';

type RegisteredDataset = NonNullable<NonNullable<ResultOf<typeof RUN>['run']>['registeredDataset']>;

interface State {
  run: DashboardRun;
  /** The registered dataset searched on (read once: events do not change it); null for the built-in one. */
  readonly dataset: RegisteredDataset | null;
  frontIds: Set<string>;
  readonly candidates: Map<string, DashboardCandidate>;
}

export function runPage(root: HTMLElement, runId: string): () => void {
  const head = h('div', null, h('p', { class: 'muted' }, 'Loading the run…'));
  const plotBox = h('div', { class: 'plot', id: 'pareto' });
  const table = h('div');
  const liveNote = h('div', { class: 'live-note' });
  let axis = (localStorage.getItem(AXIS_KEY) as XAxis | null) ?? 'latency';
  if (!(axis in X_AXES)) axis = 'latency';
  const axisPicker = h(
    'select',
    { id: 'x-axis', onchange: () => {
      axis = axisPicker.value as XAxis;
      localStorage.setItem(AXIS_KEY, axis);
      schedule();
    } },
    (Object.keys(X_AXES) as XAxis[]).map((k) => h('option', { value: k, selected: k === axis }, `accuracy vs ${X_AXES[k].label}`)),
  );
  replace(root, head, h('section', null, h('div', { class: 'section-head' }, h('h2', null, 'Pareto front'), axisPicker, liveNote), plotBox), h('section', null, h('h2', null, 'Candidates'), table));

  let state: State | undefined;
  let frame = 0;
  let stopLive: (() => void) | undefined;
  const open = (id: string) => (location.hash = `#/candidates/${encodeURIComponent(id)}`);

  const render = () => {
    frame = 0;
    if (!state) return;
    renderHead(head, state.run, state.dataset);
    const candidates = [...state.candidates.values()].sort((a, b) => a.seq - b.seq);
    const points = paretoPoints({ candidates, run: state.run, axis, front: state.frontIds });
    replace(plotBox, paretoPlot({ points, run: state.run, axis, width: Math.max(480, plotBox.clientWidth || 860), open }));
    replace(table, candidateTable(candidates, state.frontIds));
  };
  // Events come in bursts (a snapshot, a candidate and a front change together): draw once per frame.
  const schedule = () => {
    frame ||= requestAnimationFrame(render);
  };

  const goLive = () => {
    stopLive = subscribe(SEARCH_PROGRESS, { runId }, {
      next: (d) => {
        if (!state) return;
        const e = d.searchProgress;
        state.run = e.run;
        if (e.candidate) state.candidates.set(e.candidate.id, e.candidate);
        if (e.front) state.frontIds = new Set(e.front.members.map((m) => m.id));
        replace(liveNote, h('span', { class: 'live' }, '● live'));
        schedule();
      },
      error: (err) => replace(liveNote, errorLine(err)),
      complete: () => replace(liveNote, h('span', { class: 'muted' }, 'run ended')),
    });
  };

  const load = async () => {
    const d = await request(RUN, { id: runId });
    if (!d.run) throw new Error(`no run ${runId}`);
    const { front, registeredDataset, ...run } = d.run;
    state = { run, dataset: registeredDataset, frontIds: new Set(front.members.map((m) => m.id)), candidates: new Map() };
    // Live first, so that nothing that happens while the pages are read is missed.
    if (run.status === 'RUNNING' || run.status === 'QUEUED') goLive();
    let after: string | null = null;
    do {
      const page: ResultOf<typeof RUN_CANDIDATES> = await request(RUN_CANDIDATES, { id: runId, after });
      for (const e of page.run?.candidates.edges ?? []) if (!state.candidates.has(e.node.id)) state.candidates.set(e.node.id, e.node);
      after = page.run?.candidates.pageInfo.hasNextPage ? page.run.candidates.pageInfo.endCursor : null;
    } while (after !== null);
    schedule();
  };
  load().catch((err: unknown) => showError(head, err));

  function renderHead(target: HTMLElement, run: DashboardRun, dataset: RegisteredDataset | null): void {
    const active = run.status === 'RUNNING' || run.status === 'QUEUED';
    const cancel = h('button', { type: 'button', class: 'danger', onclick: () => {
      cancel.disabled = true;
      request(CANCEL_SEARCH, { runId: run.id }).catch((err: unknown) => target.append(errorLine(err)));
    } }, 'Cancel search');
    replace(
      target,
      h('div', { class: 'page-head' }, h('h1', null, `Run ${run.id.slice(0, 8)}`), statusBadge(run.status), active ? cancel : null),
      h(
        'dl',
        { class: 'facts' },
        fact('model', run.model.name),
        fact('device', run.device.name),
        fact('dataset', datasetFact(run, dataset)),
        fact('limits', limitsText(run)),
        fact('budget', budgetText(run)),
        fact('progress', progressBar(run)),
        fact('sampler', samplerText(run.sampler)),
        fact('seed', String(run.seed)),
        fact('started', when(run.startedAt)),
        fact('elapsed', `${(run.elapsedMs / 1000).toFixed(1)} s`),
      ),
      run.error ? h('p', { class: 'error' }, run.error) : null,
    );
  }

  return () => {
    stopLive?.();
    if (frame) cancelAnimationFrame(frame);
  };
}

/** The dataset's name, classes, images and shape (the id on hover); the built-in one by its facts. */
function datasetFact(run: DashboardRun, dataset: RegisteredDataset | null): HTMLElement {
  if (!dataset) return h('span', { id: 'run-dataset', data: { datasetId: run.dataset } }, run.dataset === BUILTIN_DATASET.name ? builtinLabel() : run.dataset);
  const label = datasetLabel({ name: dataset.name, shape: dataset.shape, imageCount: dataset.imageCount, classes: dataset.classes.length });
  return h('span', { id: 'run-dataset', title: `dataset ${dataset.id}`, data: { datasetId: dataset.id } }, label);
}

/** `{ kind: 'tpe', startup: 8 }` → "tpe (startup 8)". */
function samplerText(sampler: unknown): string {
  const { kind, ...rest } = (sampler ?? {}) as { kind?: string } & Record<string, unknown>;
  const options = Object.entries(rest).map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return `${kind ?? 'default'}${options.length > 0 ? ` (${options.join(', ')})` : ''}`;
}

function fact(name: string, value: Node | string): HTMLElement[] {
  return [h('dt', null, name), h('dd', null, value)];
}

function candidateTable(candidates: readonly DashboardCandidate[], front: ReadonlySet<string>): HTMLElement {
  if (candidates.length === 0) return h('p', { class: 'muted' }, 'No candidates yet.');
  return h(
    'table',
    { class: 'candidates' },
    h('thead', null, h('tr', null, ['#', 'status', 'recipe', 'accuracy', 'latency', 'peak RAM', 'deployed', ''].map((c) => h('th', null, c)))),
    h(
      'tbody',
      null,
      candidates.map((c) =>
        h(
          'tr',
          { data: { candidateId: c.id, status: c.status }, class: front.has(c.id) ? 'on-front' : '' },
          h('td', null, h('a', { href: `#/candidates/${encodeURIComponent(c.id)}` }, String(c.seq))),
          h('td', null, statusBadge(c.status), front.has(c.id) ? h('span', { class: 'badge front' }, 'front') : null),
          h('td', { class: 'recipe', title: c.failure ?? '' }, formatRecipe(c.recipe)),
          h('td', null, c.accuracy === null ? '–' : percent(c.accuracy)),
          h('td', null, c.latency ? [`${c.latency.ms.toFixed(2)} ms `, sourceBadge(c.latency.source)] : '–'),
          h('td', null, bytesOrDash(c.peakRamBytes)),
          h('td', null, bytesOrDash(c.deployBytes)),
          h('td', null, c.failure ? h('span', { class: 'muted small' }, c.failure) : null),
        ),
      ),
    ),
  );
}
