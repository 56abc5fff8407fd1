// One candidate: its recipe, its figures (each saying where it comes from), what each compression
// stage did, and its model file.
import { downloadArtifact, request, storedToken } from '../api.js';
import { CANDIDATE } from '../documents.js';
import { h, replace } from '../dom.js';
import { errorLine, showError } from '../show-error.js';
import type { ResultOf } from '../../../src/graphql/graphql.js';
import { bytesOrDash, formatBytes, formatCount, formatRecipe, percent, sourceBadge, statusBadge, when } from '../view.js';

type Candidate = NonNullable<ResultOf<typeof CANDIDATE>['candidate']>;

export function candidatePage(root: HTMLElement, id: string): () => void {
  replace(root, h('p', { class: 'muted' }, 'Loading the candidate…'));
  request(CANDIDATE, { id })
    .then((d) => {
      if (!d.candidate) throw new Error(`no candidate ${id}`);
      render(root, d.candidate);
    })
    .catch((err: unknown) => showError(root, err));
  return () => {};
}

function render(root: HTMLElement, c: Candidate): void {
  const run = c.run;
  replace(
    root,
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Runs'), ' / ', h('a', { href: `#/runs/${encodeURIComponent(run.id)}` }, `Run ${run.id.slice(0, 8)}`), ` / candidate #${c.seq}`),
    h('div', { class: 'page-head' }, h('h1', null, `Candidate #${c.seq}`), statusBadge(c.status), c.artifact ? downloadLink(c, c.artifact) : null),
    h('p', { class: 'muted' }, `${run.model.name} on ${run.device.name} · created ${when(c.createdAt)}`, c.reusedFrom ? ` · result reused from candidate ${c.reusedFrom.slice(0, 8)}` : ''),
    c.failure ? h('p', { class: 'error' }, c.failure) : null,
    h('section', null, h('h2', null, 'Recipe'), h('p', { class: 'recipe-line' }, formatRecipe(c.recipe)), h('pre', { class: 'recipe-json' }, JSON.stringify(c.recipe, null, 2))),
    h('section', null, h('h2', null, 'Metrics'), metrics(c)),
    h('section', null, h('h2', null, 'Compression report'), stages(c)),
  );
}

function downloadLink(c: Candidate, artifact: { sha256: string; url: string }): HTMLElement {
  const file = `candidate-${c.seq}-${artifact.sha256.slice(0, 12)}.onnx`;
  const note = h('span');
  // A plain link serves a server without tokens; with a token, the file is fetched with it.
  const link = h('a', { class: 'button', id: 'download', href: `/artifacts/${artifact.sha256}`, download: file, title: `sha256 ${artifact.sha256}` }, 'Download model (.onnx)');
  link.addEventListener('click', (e) => {
    if (!storedToken()) return;
    e.preventDefault();
    downloadArtifact(artifact.sha256, file).catch((err: unknown) => replace(note, errorLine(err)));
  });
  return h('span', null, link, note);
}

/** The pre-screen's analytic figures, for a candidate it ruled out. */
function estimates(c: Candidate): HTMLElement {
  const e = (c.estimates ?? {}) as { latencyMs?: number; peakRamBytes?: number; deployBytes?: number; params?: number; macs?: number };
  const rows: [string, string][] = [];
  if (e.latencyMs !== undefined) rows.push(['latency', `${e.latencyMs.toFixed(3)} ms`]);
  if (e.peakRamBytes !== undefined) rows.push(['peak RAM', formatBytes(e.peakRamBytes)]);
  if (e.deployBytes !== undefined) rows.push(['deployed size', formatBytes(e.deployBytes)]);
  if (e.params !== undefined) rows.push(['params', formatCount(e.params)]);
  if (e.macs !== undefined) rows.push(['MACs', formatCount(e.macs)]);
  return h(
    'div',
    null,
    h('p', { class: 'muted' }, 'Not evaluated: the pre-screen ruled it out from these estimates, made without compressing anything.'),
    h('table', { class: 'metrics' }, h('tbody', null, rows.map(([name, value]) => h('tr', null, h('th', null, name), h('td', { class: 'num' }, value), h('td', null, sourceBadge('PREDICTED')))))),
  );
}

function metrics(c: Candidate): HTMLElement {
  if (c.status === 'INFEASIBLE') return estimates(c);
  if (c.accuracy === null) return h('p', { class: 'muted' }, 'Not measured yet.');
  const baseline = c.run.model.baselineAccuracy;
  const rows: [string, string, HTMLElement | null, string][] = [
    ['accuracy (val)', percent(c.accuracy), sourceBadge('MEASURED'), baseline !== null ? `baseline ${percent(baseline)}` : ''],
    ['accuracy (test)', c.testAccuracy === null ? '– (front members only)' : percent(c.testAccuracy), c.testAccuracy === null ? null : sourceBadge('MEASURED'), ''],
    ['latency', c.latency ? `${c.latency.ms.toFixed(3)} ms` : '–', c.latency ? sourceBadge(c.latency.source) : null, c.latency?.source === 'PREDICTED' ? `${c.run.device.name} cost model` : 'onnxruntime-node on this host'],
    ['peak RAM', bytesOrDash(c.peakRamBytes), sourceBadge('PREDICTED'), `${c.run.device.name} memory model`],
    ['deployed size', bytesOrDash(c.deployBytes), sourceBadge('COMPUTED'), 'weights packed at their bit width'],
    ['ONNX file', bytesOrDash(c.modelBytes), sourceBadge('MEASURED'), ''],
    ['params', c.params === null ? '–' : formatCount(c.params), null, `${formatCount(c.run.model.params)} before`],
    ['nonzero params', c.nonzeroParams === null ? '–' : formatCount(c.nonzeroParams), null, ''],
    ['MACs', c.macs === null ? '–' : formatCount(c.macs), null, `${formatCount(c.run.model.macs)} before`],
  ];
  return h(
    'table',
    { class: 'metrics' },
    h('tbody', null, rows.map(([name, value, badge, note]) => h('tr', null, h('th', null, name), h('td', { class: 'num' }, value), h('td', null, badge), h('td', { class: 'muted' }, note)))),
  );
}

function stages(c: Candidate): HTMLElement {
  const list = c.stages;
  if (!list || list.length === 0) return h('p', { class: 'muted' }, c.accuracy === null ? 'No report: not compressed.' : 'No stage applied (baseline), or the result came from an evaluation that did not record one.');
  return h(
    'table',
    { class: 'stages' },
    h('thead', null, h('tr', null, ['stage', 'what it did', 'params', 'nonzero', 'MACs', 'ONNX file', 'deployed', 'peak activations', 'time'].map((x) => h('th', null, x)))),
    h(
      'tbody',
      null,
      list.map((s) =>
        h(
          'tr',
          null,
          h('th', null, s.stage),
          h('td', null, s.summary),
          h('td', { class: 'num' }, formatCount(s.params)),
          h('td', { class: 'num' }, formatCount(s.nonzeroParams)),
          h('td', { class: 'num' }, formatCount(s.macs)),
          h('td', { class: 'num' }, formatBytes(s.fileBytes)),
          h('td', { class: 'num' }, formatBytes(s.deployBytes)),
          h('td', { class: 'num' }, formatBytes(s.peakActivationBytes)),
          h('td', { class: 'num' }, `${s.seconds.toFixed(2)} s`),
        ),
      ),
    ),
  );
}
