// The runs: newest first, each RUNNING or QUEUED one followed live through its subscription.
import { request, subscribe } from '../api.js';
import { RUNS, SEARCH_PROGRESS } from '../documents.js';
import { h, replace } from '../dom.js';
import { showError } from '../show-error.js';
import type { DashboardRun } from '../types.js';
import { budgetText, limitsText, progressBar, statusBadge, when } from '../view.js';

/** How often the list is read again, to show runs started elsewhere (CLI, other pages). */
const REFRESH_MS = 5000;

export function runsPage(root: HTMLElement): () => void {
  const body = h('div', null, h('p', { class: 'muted' }, 'Loading runs…'));
  replace(root, h('div', { class: 'page-head' }, h('h1', null, 'Runs'), h('a', { class: 'button', href: '#/new' }, 'New search')), body);
  const live = new Map<string, () => void>();
  const runs = new Map<string, DashboardRun>();
  let stopped = false;

  const render = () => {
    const list = [...runs.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    if (list.length === 0) {
      replace(body, h('p', { class: 'muted' }, 'No runs yet. ', h('a', { href: '#/new' }, 'Start a search'), ', or run `npx frontier search` against this server.'));
      return;
    }
    replace(
      body,
      h(
        'table',
        { class: 'runs' },
        h('thead', null, h('tr', null, ['run', 'model', 'device', 'status', 'progress', 'limits', 'budget', 'started'].map((c) => h('th', null, c)))),
        h(
          'tbody',
          null,
          list.map((r) =>
            h(
              'tr',
              { data: { runId: r.id, status: r.status } },
              h('td', null, h('a', { href: `#/runs/${encodeURIComponent(r.id)}` }, r.id.slice(0, 8))),
              h('td', null, r.model.name),
              h('td', null, r.device.name),
              h('td', null, statusBadge(r.status)),
              h('td', null, progressBar(r)),
              h('td', null, limitsText(r)),
              h('td', null, budgetText(r)),
              h('td', null, when(r.createdAt)),
            ),
          ),
        ),
      ),
    );
  };

  const follow = (run: DashboardRun) => {
    if (live.has(run.id) || (run.status !== 'RUNNING' && run.status !== 'QUEUED')) return;
    const stop = subscribe(SEARCH_PROGRESS, { runId: run.id }, {
      next: (d) => {
        runs.set(run.id, d.searchProgress.run);
        render();
      },
      error: () => live.delete(run.id),
      complete: () => live.delete(run.id),
    });
    live.set(run.id, stop);
  };

  const load = async () => {
    try {
      const d = await request(RUNS, {});
      if (stopped) return;
      for (const edge of d.runs.edges) {
        // A followed run's live state is newer than the list's.
        if (!live.has(edge.node.id)) runs.set(edge.node.id, edge.node);
        follow(edge.node);
      }
      render();
    } catch (err) {
      if (!stopped) showError(body, err);
    }
  };
  void load();
  const timer = setInterval(() => void load(), REFRESH_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
    for (const stop of live.values()) stop();
  };
}
