// Starting a search: a registered model (the zoo or an earlier upload) or a new ONNX file, the
// dataset to search on (the built-in one or a registered one), a device, limits, a budget.
import { request, uploadModel } from '../api.js';
import { BUILTIN_DATASET, builtinLabel, datasetLabel, shapeText } from '../dataset-label.js';
import { FORM_CHOICES, START_SEARCH } from '../documents.js';
import { h, replace } from '../dom.js';
import { errorLine, showError } from '../show-error.js';
import type { VariablesOf, ResultOf } from '../../../src/graphql/graphql.js';
import { formatBytes, formatCount, percent } from '../view.js';

type Input = VariablesOf<typeof START_SEARCH>['input'];
type Choices = ResultOf<typeof FORM_CHOICES>;

const UPLOAD = '__upload__';
const SAMPLERS = ['gp', 'tpe', 'nsga2', 'random', 'grid'];

export function newSearchPage(root: HTMLElement): () => void {
  replace(root, h('h1', null, 'New search'), h('p', { class: 'muted' }, 'Loading models, datasets and devices…'));
  request(FORM_CHOICES, {})
    .then((choices) => renderForm(root, choices))
    .catch((err: unknown) => showError(root, err));
  return () => {};
}

function numberField(id: string, label: string, o: { step?: string; min?: string; value?: string; hint?: string } = {}): [HTMLElement, HTMLInputElement] {
  const input = h('input', { id, name: id, type: 'number', step: o.step ?? 'any', min: o.min ?? '0', value: o.value ?? '' });
  return [h('label', { htmlFor: id }, label, o.hint ? h('span', { class: 'hint' }, o.hint) : null), input];
}

function renderForm(root: HTMLElement, choices: Choices): void {
  const model = h(
    'select',
    { id: 'model', name: 'model', required: true },
    choices.models.map((m) => h('option', { value: m.id }, `${m.name} — ${formatCount(m.params)} params, ${formatCount(m.macs)} MACs${m.baselineAccuracy !== null ? `, ${percent(m.baselineAccuracy)}` : ''}`)),
    h('option', { value: UPLOAD }, 'Upload an ONNX file…'),
  );
  const file = h('input', { id: 'model-file', type: 'file', accept: '.onnx' });
  const name = h('input', { id: 'model-name', type: 'text', placeholder: 'name (letters, digits, . _ -)', pattern: '[A-Za-z0-9][A-Za-z0-9._\\-]{0,99}' });
  const upload = h('div', { class: 'upload', hidden: true }, file, name);
  model.addEventListener('change', () => (upload.hidden = model.value !== UPLOAD));
  file.addEventListener('change', () => {
    if (!name.value && file.files?.[0]) name.value = file.files[0].name.replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9._-]/g, '-');
  });
  const dataset = datasetSelect(choices.datasets);
  // The shapes side by side; whether they fit is the server's call (it names both when they do not).
  const shapes = h('p', { id: 'shapes', class: 'hint' });
  const showShapes = () => {
    const m = choices.models.find((x) => x.id === model.value);
    const d = choices.datasets.find((x) => x.id === dataset.value);
    replace(shapes, `model input ${m ? shapeText(m.inputShape) : 'read from the uploaded file'} · dataset images ${shapeText(d?.shape ?? BUILTIN_DATASET.shape)} (C, H, W)`);
  };
  model.addEventListener('change', showShapes);
  dataset.addEventListener('change', showShapes);
  showShapes();
  const device = h(
    'select',
    { id: 'device', name: 'device', required: true },
    choices.devices.map((d) => h('option', { value: d.id, selected: d.id === 'stm32h7' }, `${d.name} — ${formatBytes(d.ramBytes)} RAM, ${formatBytes(d.storageBytes)} storage${d.calibrated ? '' : ' (uncalibrated)'}`)),
  );
  const [latencyLabel, latency] = numberField('max-latency-ms', 'Max latency', { hint: 'ms' });
  const [ramLabel, ram] = numberField('max-ram-kb', 'Max peak RAM', { hint: 'KiB' });
  const [flashLabel, flash] = numberField('max-flash-kb', 'Max flash', { hint: 'KiB' });
  const [accLabel, accuracy] = numberField('min-accuracy', 'Min accuracy', { hint: '%', step: '0.1' });
  const [evalLabel, evaluations] = numberField('budget-evaluations', 'Evaluations', { step: '1', min: '1', value: '12' });
  const [secLabel, seconds] = numberField('budget-seconds', 'Seconds', { step: '1', min: '1', hint: 'optional' });
  const sampler = h('select', { id: 'sampler' }, h('option', { value: '' }, 'server default'), SAMPLERS.map((s) => h('option', { value: s }, s)));
  const [seedLabel, seed] = numberField('seed', 'Seed', { step: '1', value: '0' });
  const status = h('div', { class: 'form-status' });
  const submit = h('button', { type: 'submit', id: 'start-search' }, 'Start search');

  const form = h(
    'form',
    { class: 'search-form', id: 'search-form' },
    h('fieldset', null, h('legend', null, 'What to compress, for what'), h('label', { htmlFor: 'model' }, 'Model'), model, upload, h('label', { htmlFor: 'dataset' }, 'Dataset'), dataset, shapes, h('label', { htmlFor: 'device' }, 'Device'), device),
    h('fieldset', null, h('legend', null, 'Limits (leave empty for none)'), latencyLabel, latency, ramLabel, ram, flashLabel, flash, accLabel, accuracy),
    h('fieldset', null, h('legend', null, 'Budget (whichever ends first)'), evalLabel, evaluations, secLabel, seconds, h('label', { htmlFor: 'sampler' }, 'Sampler'), sampler, seedLabel, seed),
    submit,
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit.disabled = true;
    replace(status, h('span', { class: 'muted' }, 'Starting…'));
    start()
      .then((runId) => (location.hash = `#/runs/${encodeURIComponent(runId)}`))
      .catch((err: unknown) => {
        submit.disabled = false;
        replace(status, errorLine(err));
      });
  });

  const num = (input: HTMLInputElement): number | undefined => (input.value.trim() === '' ? undefined : Number(input.value));

  async function start(): Promise<string> {
    let modelId = model.value;
    if (modelId === UPLOAD) {
      const chosen = file.files?.[0];
      if (!chosen) throw new Error('choose an ONNX file to upload');
      if (!name.value) throw new Error('give the uploaded model a name');
      replace(status, h('span', { class: 'muted' }, `Uploading ${chosen.name}…`));
      modelId = (await uploadModel(name.value, chosen)).id;
    }
    const minAccuracy = num(accuracy);
    const input: Input = {
      modelId,
      deviceId: device.value,
      // The built-in dataset is the server's default: a run that names none searches on it.
      ...(dataset.value ? { datasetId: dataset.value } : {}),
      constraints: { maxLatencyMs: num(latency), maxRamKb: num(ram), maxFlashKb: num(flash), minAccuracy: minAccuracy === undefined ? undefined : minAccuracy / 100 },
      budget: { evaluations: num(evaluations), seconds: num(seconds) },
      seed: num(seed),
      ...(sampler.value ? { sampler: sampler.value } : {}),
    };
    const d = await request(START_SEARCH, { input });
    return d.startSearch.id;
  }

  replace(root, h('h1', null, 'New search'), form);
}

/**
 * The built-in dataset first and chosen (value '': the run names none), then the registered ones
 * by name; a name registered more than once tells its registrations apart by date.
 */
function datasetSelect(datasets: Choices['datasets']): HTMLSelectElement {
  const names = new Map<string, number>();
  for (const d of datasets) names.set(d.name, (names.get(d.name) ?? 0) + 1);
  return h(
    'select',
    { id: 'dataset', name: 'dataset' },
    h('option', { value: '', selected: true }, builtinLabel()),
    datasets.map((d) => {
      const label = datasetLabel({ name: d.name, shape: d.shape, imageCount: d.imageCount, classes: d.classes.length });
      return h('option', { value: d.id }, (names.get(d.name) ?? 0) > 1 ? `${label}, registered ${new Date(d.createdAt).toLocaleString()}` : label);
    }),
  );
}
