// A user's own images end to end: a synthetic 3-channel image folder is registered, a 3-channel CNN
// is trained on it with `frontier train --dataset`, and searches with fine-tuning and static int8
// calibration run on it through the `frontier` binary and through a real API server.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseTokens } from '@frontier/api';
import { openStore } from '@frontier/search';
import { writeSyntheticImageFolder } from '@frontier/workers/testing';
import { collect, data, gql, startTestServer, wsClient, type TestServer } from './support/api-server.js';
import { freshDataDir } from './support/data-dir.js';
import { frontier } from './support/frontier-cli.js';

/** Every candidate fine-tunes (distillation) and is quantized to static int8 (weights and activations). */
const SPACE = {
  prune: { ratio: { low: 0.1, high: 0.5 }, structure: { values: ['unstructured'] } },
  distill: { optional: false, temperature: { values: [4] }, alpha: { values: [0.5] }, epochs: { values: [1] }, layers: { values: ['all'] } },
  quant: { optional: false, weightBits: { values: [8] }, activationBits: { values: [8] }, granularity: { values: ['per-channel'] }, symmetric: { values: [true] } },
};

interface FrontMember {
  recipe: { distill?: unknown; quant?: { activationBits: number } };
  metrics: { accuracy: { val: number; test?: number } };
  provenance: { datasetSha256: string };
  artifactSha256: string;
}

describe('datasets: an image folder of 3-channel images, searched end to end', () => {
  const dataDir = freshDataDir('frontier-datasets-');
  const images = join(dataDir, 'shapes');
  const model = join(dataDir, 'shapes-cnn.onnx');
  const space = join(dataDir, 'space.json');
  let dataset: { id: string; sha256: string; name: string };

  before(async () => {
    // 3 classes × 60 images of 16×16, PNG and JPEG; one 20×24 image per class to be resized.
    await writeSyntheticImageFolder({ root: images, perClass: 60, size: (i) => (i === 7 ? [20, 24] : [16, 16]) });
    writeFileSync(join(images, 'red', 'README.txt'), 'notes, not an image');
    writeFileSync(space, JSON.stringify(SPACE));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('registers the folder: classes sorted, seeded split, the stray file named, the odd size resized', () => {
    const r = frontier(['datasets', 'add', images, '--name', 'shapes', '--split', '0.2,0.2,5', '--data-dir', dataDir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    dataset = JSON.parse(r.stdout);
    const d = JSON.parse(r.stdout);
    assert.deepEqual(d.shape, [3, 16, 16]);
    assert.deepEqual(d.classes, [{ name: 'blue', count: 60 }, { name: 'green', count: 60 }, { name: 'red', count: 60 }]);
    // ⌈60 · 0.2⌉ = 12 of each class in val and in test.
    assert.deepEqual([d.splits.fit, d.splits.val, d.splits.test], [108, 36, 36]);
    assert.deepEqual(d.report.skipped.map((s: { file: string }) => s.file), [join('red', 'README.txt')]);
    assert.equal(d.report.resized, 3);
    const list = frontier(['datasets', '--data-dir', dataDir]);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^shapes +\S+ +\[3, 16, 16\] +3 +180 /m);
  });

  it('refuses bad folders with exit 1 naming the problem, and loses nothing registered', () => {
    const empty = join(dataDir, 'bad');
    mkdirSync(join(empty, 'cats'), { recursive: true });
    mkdirSync(join(empty, 'dogs'), { recursive: true });
    writeFileSync(join(empty, 'dogs', 'd.png'), readFileSync(join(images, 'red', 'red-0000.png')));
    const r = frontier(['datasets', 'add', empty, '--name', 'bad', '--data-dir', dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /class folder cats\/ holds no images/);
    const refuse = frontier(['datasets', 'add', images, '--name', 'strict', '--bad-files', 'refuse', '--data-dir', dataDir]);
    assert.equal(refuse.code, 1);
    assert.match(refuse.stderr, /README\.txt: not an image file .*refused/);
    const usage = frontier(['datasets', 'add', images, '--name', 'x', '--size', '16', '--data-dir', dataDir]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--size must be 2 comma-separated numbers, got "16"/);
    const list = JSON.parse(frontier(['datasets', '--json', '--data-dir', dataDir]).stdout);
    assert.deepEqual(list.map((x: { name: string }) => x.name), ['shapes']);
  });

  it('trains a 3-channel CNN on it, and evaluate and compress read it', async () => {
    const r = frontier(['train', '--arch', 'fashion-cnn', '--dataset', 'shapes', '--epochs', '15', '--out', model, '--data-dir', dataDir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const trained = JSON.parse(r.stdout);
    // Three colours on noise: far above chance (1/3) after 15 short epochs.
    assert.ok(trained.valAccuracy >= 0.8, `val ${trained.valAccuracy}`);
    const session = await ort.InferenceSession.create(model);
    const input = session.inputMetadata[0]!;
    assert.deepEqual(input.isTensor ? input.shape : [], ['N', 3, 16, 16]);
    await session.release();
    const ev = frontier(['evaluate', model, '--dataset', 'shapes', '--split', 'test', '--no-latency', '--data-dir', dataDir, '--json']);
    assert.equal(ev.code, 0, ev.stderr);
    const evaluated = JSON.parse(ev.stdout);
    assert.equal(evaluated.accuracy.count, 36);
    assert.equal(evaluated.accuracy.accuracy, trained.testAccuracy);
    const out = join(dataDir, 'int8.onnx');
    const c = frontier(['compress', model, '--recipe', JSON.stringify({ quant: { weightBits: 8, activationBits: 8, granularity: 'per-channel', symmetric: true } }),
      '--dataset', 'shapes', '--out', out, '--data-dir', dataDir, '--json']);
    assert.equal(c.code, 0, c.stderr);
    const int8 = frontier(['evaluate', out, '--dataset', 'shapes', '--no-latency', '--data-dir', dataDir, '--json']);
    assert.ok(JSON.parse(int8.stdout).accuracy.accuracy >= trained.valAccuracy - 0.1, int8.stdout);
  });

  it('searches on it from the CLI: pre-screen, distillation, static int8, a front with val and test accuracy', async () => {
    const r = frontier(['search', '--model', model, '--dataset', 'shapes', '--device', 'stm32h7', '--space', space, '--budget', '3',
      '--sampler', 'random', '--seed', '1', '--workers', '2', '--max-flash-kb', '400', '--data-dir', dataDir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.run.status, 'DONE');
    assert.equal(out.run.dataset, dataset.id);
    assert.equal(out.run.progress.done, 3);
    assert.ok(out.front.length >= 1);
    for (const c of out.front as FrontMember[]) {
      assert.ok(c.recipe.distill, 'fine-tuned');
      assert.equal(c.recipe.quant?.activationBits, 8, 'static int8');
      assert.equal(c.provenance.datasetSha256, dataset.sha256);
      assert.ok(c.metrics.accuracy.val > 0.5, `val ${c.metrics.accuracy.val}`);
    }
    // The stored front carries test accuracies (measured on the 36 test images).
    const stored = frontier(['front', '--model', model, '--device', 'stm32h7', '--dataset', 'shapes', '--data-dir', dataDir, '--json']);
    assert.equal(stored.code, 0, stored.stderr);
    const front = JSON.parse(stored.stdout).front as { accuracy: number; testAccuracy: number | null }[];
    assert.ok(front.length >= 1);
    for (const c of front) assert.ok(c.testAccuracy !== null && c.testAccuracy > 0.5, JSON.stringify(c));
    // The model registered with the search has its baseline on this dataset's val split.
    const store = await openStore({ dataDir, env: {} });
    try {
      const [registered] = await store.listModels({ name: 'shapes-cnn' });
      assert.equal(registered!.baseline!.dataset, 'shapes/val');
    } finally {
      await store.close();
    }
  });

  it('refuses a search whose model does not take the images, naming both shapes', () => {
    const r = frontier(['search', '--model', 'fashion-mlp', '--dataset', 'shapes', '--device', 'stm32h7', '--budget', '1', '--data-dir', dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the model's input \[1, 1, 28, 28\] does not take the dataset's images \[3, 16, 16\] \(C, H, W\)/);
    const unknown = frontier(['search', '--model', model, '--dataset', 'pets', '--device', 'stm32h7', '--budget', '1', '--data-dir', dataDir]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown dataset "pets" \(known: fashion-mnist, shapes\)/);
  });

  describe('over the API', () => {
    let t: TestServer;
    const WRITE = 'w'.repeat(32);
    const READ = 'r'.repeat(32);
    before(async () => {
      t = await startTestServer({ tokens: parseTokens(`read:${READ},write:${WRITE}`, 'test tokens') });
    });
    after(() => t.stop());

    const REGISTER = `mutation($p: String!) { registerDataset(input: { name: "shapes", path: $p, split: { val: 0.2, test: 0.2, seed: 5 } }) {
      id name sha256 shape imageCount classes { name count } splits { fit val test from } report } }`;

    it('registers the folder with a write token only, lists it and starts a search on it', async () => {
      const readOnly = await gql(t.url, REGISTER, { variables: { p: images }, token: READ });
      assert.equal(readOnly.body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
      const bad = await gql(t.url, REGISTER, { variables: { p: join(dataDir, 'bad') }, token: WRITE });
      assert.equal(bad.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.match(bad.body.errors[0].message, /class folder cats\/ holds no images/);
      const { registerDataset: d } = await data(t.url, REGISTER, { variables: { p: images }, token: WRITE });
      // The same images and settings as the CLI's registration: the same provenance hash.
      assert.equal(d.sha256, dataset.sha256);
      assert.deepEqual([d.shape, d.imageCount, d.splits], [[3, 16, 16], 180, { fit: 108, val: 36, test: 36, from: 'seeded' }]);
      const listed = await data(t.url, 'query($id: ID!) { datasets { id name } dataset(id: $id) { name classes { name } } missing: dataset(id: "nope") { id } }', { variables: { id: d.id }, token: READ });
      assert.deepEqual(listed.datasets, [{ id: d.id, name: 'shapes' }]);
      assert.deepEqual(listed.dataset.classes.map((c: { name: string }) => c.name), ['blue', 'green', 'red']);
      assert.equal(listed.missing, null);

      const upload = await fetch(`${t.url}/models?name=shapes-cnn&dataset=${d.id}`, { method: 'POST', headers: { authorization: `Bearer ${WRITE}` }, body: readFileSync(model) });
      assert.equal(upload.status, 201, await upload.clone().text());
      const registered = (await upload.json()) as { id: string; baseline: { dataset: string; accuracy: number } };
      assert.equal(registered.baseline.dataset, 'shapes/val');

      const mlp = (await data(t.url, '{ models { id name } }', { token: READ })).models.find((m: { name: string }) => m.name === 'fashion-mlp');
      const misfit = await gql(t.url, `mutation($m: ID!, $d: ID!) { startSearch(input: { modelId: $m, deviceId: "stm32h7", datasetId: $d, budget: { evaluations: 1 } }) { id } }`,
        { variables: { m: mlp.id, d: d.id }, token: WRITE });
      assert.equal(misfit.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
      assert.match(misfit.body.errors[0].message, /\[1, 1, 28, 28\] does not take the dataset's images \[3, 16, 16\]/);

      const { startSearch } = await data(t.url, `mutation($m: ID!, $d: ID!, $s: JSON!) { startSearch(input: { modelId: $m, deviceId: "stm32h7", datasetId: $d,
        budget: { evaluations: 2 }, sampler: "random", seed: 3, space: $s }) { id dataset } }`, { variables: { m: registered.id, d: d.id, s: SPACE }, token: WRITE });
      assert.equal(startSearch.dataset, d.id);
      const client = wsClient(t.url, READ);
      try {
        await collect(client, 'subscription($r: ID!) { searchProgress(runId: $r) { kind } }', { r: startSearch.id });
      } finally {
        await client.dispose();
      }
      const run = await data(t.url, `query($r: ID!) { run(id: $r) { status progress { done } front { members { recipe accuracy testAccuracy } } } }`, { variables: { r: startSearch.id }, token: READ });
      assert.equal(run.run.status, 'DONE');
      assert.equal(run.run.progress.done, 2);
      assert.ok(run.run.front.members.length >= 1);
      for (const m of run.run.front.members) {
        assert.equal(m.recipe.quant.activationBits, 8);
        assert.ok(m.recipe.distill);
        assert.ok(m.accuracy > 0.5 && m.testAccuracy > 0.5, JSON.stringify(m));
      }
    });
  });
});
