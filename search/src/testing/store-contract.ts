/**
 * The store contract suite: one set of tests every adapter must pass, as written in the TSDoc of
 * `Store`. An adapter's test file calls `storeContract(name, factory)` once. Each test gets fresh
 * data from the factory and disposes of it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Store } from '../store/store.js';
import { candidateContract } from './store-contract-candidates.js';
import { rejectsWith, sampleDataset, sampleModel, sampleRun, scene, evaluated } from './store-contract-data.js';
import type { ContractCase, StoreFixtureFactory } from './store-contract-data.js';

export type { StoreFixture, StoreFixtureFactory } from './store-contract-data.js';

/** Registers the contract tests for one adapter under `describe(name)`. */
export function storeContract(name: string, factory: StoreFixtureFactory): void {
  describe(`store contract: ${name}`, () => {
    const test: ContractCase = (title, body) => {
      it(title, async () => {
        const fixture = await factory();
        try {
          await body(await fixture.open(), fixture);
        } finally {
          await fixture.dispose();
        }
      });
    };
    modelContract(test);
    datasetContract(test);
    runContract(test);
    candidateContract(test);
    artifactContract(test);
    durabilityContract(test);
  });
}

function modelContract(test: ContractCase): void {
  test('registerModel stores the bytes under their sha256 and is idempotent', async (store) => {
    const input = sampleModel('fashion-cnn');
    const model = await store.registerModel(input);
    const sha256 = createHash('sha256').update(input.onnx).digest('hex');
    assert.equal(model.sha256, sha256);
    assert.deepEqual({ ...model, id: '', createdAt: '' }, {
      id: '', name: 'fashion-cnn', sha256, inputShape: [1, 1, 28, 28], classes: 10, params: 101_770, macs: 101_632,
      coverage: input.coverage, baseline: input.baseline, createdAt: '',
    });
    assert.deepEqual(await store.getArtifact(sha256), input.onnx);
    assert.deepEqual(await store.registerModel({ ...input, name: 'again' }), model);
    assert.deepEqual(await store.getModel(model.id), model);
    assert.equal((await store.listModels()).length, 1);
  });

  test('models list by name and unknown ids are NOT_FOUND', async (store) => {
    const b = await store.registerModel(sampleModel('b-model'));
    const a = await store.registerModel(sampleModel('a-model'));
    const c = await store.registerModel({ ...sampleModel('c-model'), baseline: undefined });
    assert.equal(c.baseline, undefined);
    assert.deepEqual((await store.listModels()).map((m) => m.id), [a.id, b.id, c.id]);
    assert.deepEqual(await store.listModels({ name: 'b-model' }), [b]);
    await rejectsWith('NOT_FOUND', store.getModel('no-such-model'));
    await rejectsWith('BAD_ARGUMENT', store.registerModel({ ...sampleModel('x'), classes: 0 }));
    await rejectsWith('BAD_ARGUMENT', store.registerModel({ ...sampleModel('x'), inputShape: [1, -1] }));
  });

  test('putDevice inserts, then replaces name and spec keeping createdAt', async (store) => {
    const first = await store.putDevice({ id: 'rp2040', name: 'RP2040', spec: { ramBytes: 270_336, clockHz: 133e6 } });
    assert.deepEqual(await store.getDevice('rp2040'), first);
    const second = await store.putDevice({ id: 'rp2040', name: 'Raspberry Pi RP2040', spec: { ramBytes: 270_336, nested: { a: [1, 'x', null] } } });
    assert.equal(second.createdAt, first.createdAt);
    assert.ok(second.updatedAt >= first.updatedAt);
    assert.deepEqual(second.spec, { ramBytes: 270_336, nested: { a: [1, 'x', null] } });
    await store.putDevice({ id: 'host', name: 'This machine', spec: {} });
    assert.deepEqual((await store.listDevices()).map((d) => d.id), ['rp2040', 'host']);
    await rejectsWith('NOT_FOUND', store.getDevice('esp32'));
    await rejectsWith('BAD_ARGUMENT', store.putDevice({ id: '', name: 'x', spec: {} }));
  });
}

function datasetContract(test: ContractCase): void {
  test('registerDataset keeps every field, is idempotent by sha256 and never replaces a dataset', async (store, fixture) => {
    const input = sampleDataset('pets');
    const pets = await store.registerDataset(input);
    assert.deepEqual({ ...pets, id: '', createdAt: '' }, { ...input, id: '', createdAt: '' });
    assert.match(pets.createdAt, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(await store.registerDataset({ ...input, name: 'again', shape: [1, 8, 8] }), pets);
    // Changed content under the same name is a second dataset; the first stays as it was.
    const changed = await store.registerDataset({ ...sampleDataset('pets', '2'), classes: [{ name: 'cat', count: 121 }, { name: 'dog', count: 80 }] });
    assert.notEqual(changed.id, pets.id);
    assert.deepEqual(await store.listDatasets({ name: 'pets' }), [pets, changed]);
    const reopened = await fixture.open();
    try {
      assert.deepEqual(await reopened.getDataset(pets.id), pets);
    } finally {
      await reopened.close();
    }
  });

  test('datasets list by name, then id; unknown ids are NOT_FOUND; bad records BAD_ARGUMENT', async (store) => {
    const b = await store.registerDataset(sampleDataset('b-set', '3'));
    const a = await store.registerDataset(sampleDataset('a-set', '4'));
    assert.deepEqual((await store.listDatasets()).map((d) => d.id), [a.id, b.id]);
    assert.deepEqual(await store.listDatasets({ name: 'none' }), []);
    await rejectsWith('NOT_FOUND', store.getDataset('no-such-dataset'));
    await rejectsWith('BAD_ARGUMENT', store.registerDataset({ ...sampleDataset('x', '5'), sha256: 'abc' }));
    await rejectsWith('BAD_ARGUMENT', store.registerDataset({ ...sampleDataset('x', '5'), shape: [32, 32] }));
    await rejectsWith('BAD_ARGUMENT', store.registerDataset({ ...sampleDataset('x', '5'), classes: [{ name: 'cat', count: 1 }] }));
    await rejectsWith('BAD_ARGUMENT', store.registerDataset({ ...sampleDataset('', '5') }));
    assert.equal((await store.listDatasets()).length, 2, 'a refused record writes nothing');
  });
}

function runContract(test: ContractCase): void {
  test('createRun stores a QUEUED run with zero progress', async (store) => {
    const model = await store.registerModel(sampleModel('m'));
    await store.putDevice({ id: 'host', name: 'host', spec: {} });
    const input = sampleRun(model.id, 'host');
    const run = await store.createRun(input);
    assert.deepEqual({ ...run, id: '', createdAt: '' }, {
      ...input, id: '', createdAt: '', status: 'QUEUED', elapsedMs: 0,
      progress: { total: 0, pending: 0, running: 0, done: 0, failed: 0, infeasible: 0, reused: 0 },
    });
    assert.deepEqual(await store.getRun(run.id), run);
    await rejectsWith('NOT_FOUND', store.createRun(sampleRun('no-model', 'host')));
    await rejectsWith('NOT_FOUND', store.createRun(sampleRun(model.id, 'no-device')));
    await rejectsWith('BAD_ARGUMENT', store.createRun({ ...input, budget: {} }));
    await rejectsWith('BAD_ARGUMENT', store.createRun({ ...input, budget: { evaluations: 2.5 } }));
    await rejectsWith('BAD_ARGUMENT', store.createRun({ ...input, seed: -1 }));
    await rejectsWith('NOT_FOUND', store.getRun('no-run'));
    assert.equal((await store.listRuns()).length, 1, 'rejected runs were not written');
  });

  test('listRuns filters by status, model and device, newest first', async (store) => {
    const m1 = await store.registerModel(sampleModel('m1'));
    const m2 = await store.registerModel(sampleModel('m2'));
    await store.putDevice({ id: 'd1', name: 'd1', spec: {} });
    await store.putDevice({ id: 'd2', name: 'd2', spec: {} });
    const r1 = await store.createRun(sampleRun(m1.id, 'd1'));
    const r2 = await store.createRun(sampleRun(m2.id, 'd1'));
    const r3 = await store.createRun(sampleRun(m1.id, 'd2'));
    await store.updateRun({ id: r2.id, from: 'QUEUED', to: 'RUNNING' });
    const ids = async (filter: Parameters<Store['listRuns']>[0]) => (await store.listRuns(filter)).map((r) => r.id);
    assert.deepEqual(await ids({}), [r3.id, r2.id, r1.id]);
    assert.deepEqual(await ids({ status: 'QUEUED' }), [r3.id, r1.id]);
    assert.deepEqual(await ids({ status: ['RUNNING', 'DONE'] }), [r2.id]);
    assert.deepEqual(await ids({ modelId: m1.id }), [r3.id, r1.id]);
    assert.deepEqual(await ids({ deviceId: 'd1', status: 'QUEUED' }), [r1.id]);
    assert.deepEqual(await ids({ limit: 2 }), [r3.id, r2.id]);
    await rejectsWith('BAD_ARGUMENT', store.listRuns({ limit: 0 }));
    await rejectsWith('BAD_ARGUMENT', store.listRuns({ limit: Number.NaN }));
  });

  test('updateRun is a compare-and-set on the status and stamps start and finish once', async (store) => {
    const { run } = await scene(store);
    assert.equal(run.status, 'RUNNING');
    assert.ok(run.startedAt && !run.finishedAt);
    const ticked = await store.updateRun({ id: run.id, from: 'RUNNING', to: 'RUNNING', elapsedMs: 1500.5 });
    assert.equal(ticked.elapsedMs, 1500.5);
    assert.equal(ticked.startedAt, run.startedAt);
    const error = await rejectsWith('CONFLICT', store.updateRun({ id: run.id, from: 'QUEUED', to: 'CANCELLED' }));
    assert.equal((error as { details?: { actual?: string } }).details?.actual, 'RUNNING');
    await rejectsWith('BAD_ARGUMENT', store.updateRun({ id: run.id, from: 'RUNNING', to: 'FAILED' }));
    await rejectsWith('BAD_ARGUMENT', store.updateRun({ id: run.id, from: ['QUEUED', 'RUNNING'], to: 'DONE' }));
    const done = await store.updateRun({ id: run.id, from: 'RUNNING', to: 'DONE', elapsedMs: 2000 });
    assert.equal(done.status, 'DONE');
    assert.ok(done.finishedAt && done.finishedAt >= done.startedAt!);
    await rejectsWith('BAD_ARGUMENT', store.updateRun({ id: run.id, from: 'DONE', to: 'RUNNING' }));
    await rejectsWith('NOT_FOUND', store.updateRun({ id: 'no-run', from: 'RUNNING', to: 'DONE' }));
    assert.deepEqual(await store.getRun(run.id), done);
  });

  test('a FAILED run keeps its error; progress counts the candidates', async (store) => {
    const { run } = await scene(store);
    await evaluated(store, run.id, 'a');
    await store.insertCandidate({ runId: run.id, recipe: {}, recipeKey: 'b' });
    await store.insertCandidate({ runId: run.id, recipe: {}, recipeKey: 'c', status: 'INFEASIBLE', reason: 'RAM 2 MB > 1 MB' });
    const failed = await store.updateRun({ id: run.id, from: 'RUNNING', to: 'FAILED', error: 'worker pool crashed' });
    assert.equal(failed.error, 'worker pool crashed');
    assert.deepEqual(failed.progress, { total: 3, pending: 1, running: 0, done: 1, failed: 0, infeasible: 1, reused: 0 });
    assert.deepEqual((await store.listRuns())[0]!.progress, failed.progress);
  });
}

function artifactContract(test: ContractCase): void {
  test('artifacts are content-addressed and put is idempotent', async (store) => {
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 31) % 251);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    assert.equal(await store.hasArtifact(sha256), false);
    await rejectsWith('NOT_FOUND', store.getArtifact(sha256));
    await rejectsWith('NOT_FOUND', store.artifactSize(sha256));
    await rejectsWith('NOT_FOUND', store.openArtifactStream(sha256));
    assert.deepEqual(await store.putArtifact(bytes), { sha256, size: bytes.length });
    assert.deepEqual(await store.putArtifact(bytes.slice()), { sha256, size: bytes.length });
    const [a, b] = await Promise.all([store.putArtifact(new Uint8Array([1, 2, 3])), store.putArtifact(new Uint8Array([1, 2, 3]))]);
    assert.deepEqual(a, b);
    assert.equal(await store.hasArtifact(sha256), true);
    assert.equal(await store.artifactSize(sha256), bytes.length);
    assert.deepEqual(await store.getArtifact(sha256), bytes);
    const chunks: Buffer[] = [];
    for await (const chunk of await store.openArtifactStream(sha256)) chunks.push(chunk as Buffer);
    assert.deepEqual(new Uint8Array(Buffer.concat(chunks)), bytes);
    const empty = await store.putArtifact(new Uint8Array(0));
    assert.deepEqual(await store.getArtifact(empty.sha256), new Uint8Array(0));
  });

  test('artifact names must be sha256 hex (no path can be smuggled in)', async (store) => {
    await rejectsWith('BAD_ARGUMENT', store.getArtifact('../../frontier.db'));
    await rejectsWith('BAD_ARGUMENT', store.hasArtifact('AB'.repeat(32)));
    await rejectsWith('BAD_ARGUMENT', store.openArtifactStream('x'));
  });
}

function durabilityContract(test: ContractCase): void {
  test('everything written is there after close and reopen', async (store, fixture) => {
    const { model, run } = await scene(store);
    const done = await evaluated(store, run.id, 'prune=0.5');
    const pending = await store.insertCandidate({ runId: run.id, recipe: { prune: 0.7 }, recipeKey: 'prune=0.7' });
    const front = await store.replaceFront({
      key: { modelId: model.id, dataset: run.dataset, deviceId: run.deviceId },
      expectedVersion: 0,
      memberIds: [done.id],
    });
    const runBefore = await store.getRun(run.id);
    await store.close();
    await store.close();
    await rejectsWith('CLOSED', store.getRun(run.id));
    await rejectsWith('CLOSED', store.hasArtifact(done.artifactSha256!));

    const reopened = await fixture.open();
    assert.deepEqual(await reopened.getModel(model.id), model);
    assert.deepEqual(await reopened.getRun(run.id), runBefore);
    assert.deepEqual(await reopened.listCandidates({ runId: run.id }), [done, pending]);
    assert.deepEqual(await reopened.getFront(front), front);
    assert.equal((await reopened.getArtifact(done.artifactSha256!)).length > 0, true);
    assert.deepEqual(await reopened.getArtifact(model.sha256), sampleModel('fashion-mlp').onnx);
    const next = await reopened.insertCandidate({ runId: run.id, recipe: {}, recipeKey: 'after-reopen' });
    assert.equal(next.seq, 2, 'seq continues after a reopen');
  });
}
