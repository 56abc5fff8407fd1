// Contract tests of candidates: insert and list, compare-and-set transitions, results, requeue,
// deduplication across runs, and fronts with optimistic concurrency.
import assert from 'node:assert/strict';
import {
  claimed,
  evaluated,
  rejectsWith,
  sampleMetrics,
  sampleProvenance,
  sampleRun,
  scene,
} from './store-contract-data.js';
import type { ContractCase } from './store-contract-data.js';
import type { Store } from '../store/store.js';
import type { Candidate } from '../store/types.js';

export function candidateContract(test: ContractCase): void {
  insertAndList(test);
  compareAndSet(test);
  results(test);
  requeue(test);
  dedup(test);
  fronts(test);
}

function insertAndList(test: ContractCase): void {
  test('insertCandidate numbers candidates per run and copies the run key', async (store) => {
    const { model, run } = await scene(store);
    const estimates = { latencyMs: 31.5, peakRamBytes: 2_000_000 };
    const a = await store.insertCandidate({ runId: run.id, recipe: { prune: { ratio: 0.5 } }, recipeKey: 'prune.ratio=0.5' });
    const b = await store.insertCandidate({
      runId: run.id, recipe: { quant: { weightBits: 2 } }, recipeKey: 'quant.weightBits=2', status: 'INFEASIBLE', reason: 'RAM 2 MB > 1 MB', estimates,
    });
    assert.deepEqual({ ...a, id: '', createdAt: '' }, {
      id: '', createdAt: '', runId: run.id, seq: 0, modelId: model.id, modelSha256: model.sha256, dataset: 'fashion-mnist',
      deviceId: 'stm32h743', recipe: { prune: { ratio: 0.5 } }, recipeKey: 'prune.ratio=0.5', status: 'PENDING', attempts: 0,
    });
    assert.equal(b.seq, 1);
    assert.equal(b.status, 'INFEASIBLE');
    assert.equal(b.failureReason, 'RAM 2 MB > 1 MB');
    assert.deepEqual(b.estimates, estimates);
    assert.ok(b.finishedAt);
    assert.ok(a.id < b.id, 'ids sort in creation order');
    const other = await store.createRun(sampleRun(model.id, 'stm32h743'));
    assert.equal((await store.insertCandidate({ runId: other.id, recipe: {}, recipeKey: 'k' })).seq, 0);
    assert.deepEqual(await store.listCandidates({ runId: run.id }), [a, b]);
    assert.deepEqual(await store.listCandidates({ runId: run.id, status: ['INFEASIBLE'] }), [b]);
    assert.deepEqual(await store.getCandidates([b.id, a.id]), [b, a]);
    assert.deepEqual(await store.getCandidate(a.id), a);
    await rejectsWith('NOT_FOUND', store.getCandidates([a.id, 'nope']));
    await rejectsWith('NOT_FOUND', store.getCandidate('nope'));
    await rejectsWith('NOT_FOUND', store.insertCandidate({ runId: 'no-run', recipe: {}, recipeKey: 'k' }));
    await rejectsWith('BAD_ARGUMENT', store.insertCandidate({ runId: run.id, recipe: {}, recipeKey: 'k', status: 'INFEASIBLE' }));
    await rejectsWith('BAD_ARGUMENT', store.insertCandidate({ runId: run.id, recipe: {}, recipeKey: '' }));
    await rejectsWith('BAD_ARGUMENT', store.insertCandidate({ runId: run.id, recipe: { n: 1n }, recipeKey: 'bigint' }));
    const plain = await store.insertCandidate({ runId: run.id, recipe: { a: 1, b: undefined, c: [1.25, null] }, recipeKey: 'plain' });
    assert.deepEqual(plain.recipe, { a: 1, c: [1.25, null] }, 'recipes are stored as their JSON form');
    assert.deepEqual((await store.getCandidate(plain.id)).recipe, plain.recipe);
  });

  test('seq stays strictly increasing under concurrent inserts', async (store, fixture) => {
    const { run } = await scene(store);
    const second = await fixture.open();
    const inserts = Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? store : second).insertCandidate({ runId: run.id, recipe: { i }, recipeKey: `k${i}` }),
    );
    await Promise.all(inserts);
    const seqs = (await store.listCandidates({ runId: run.id })).map((c) => c.seq);
    assert.equal(new Set(seqs).size, 20);
    assert.deepEqual(seqs, [...seqs].sort((x, y) => x - y));
    await second.close();
  });
}

function compareAndSet(test: ContractCase): void {
  test('a claim succeeds once: the second, from any store instance, is a CONFLICT', async (store, fixture) => {
    const { run } = await scene(store);
    const other = await fixture.open();
    const c = await store.insertCandidate({ runId: run.id, recipe: {}, recipeKey: 'k' });
    const claims = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? store : other).transitionCandidate({ id: c.id, from: 'PENDING', to: 'RUNNING' })),
    );
    assert.equal(claims.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of claims) if (r.status === 'rejected') assert.equal((r.reason as { code?: string }).code, 'CONFLICT');
    const now = await store.getCandidate(c.id);
    assert.equal(now.status, 'RUNNING');
    assert.equal(now.attempts, 1);
    assert.ok(now.startedAt);
    await other.close();
  });

  test('transitions follow the status machine', async (store) => {
    const { run } = await scene(store);
    const c = await claimed(store, run.id, 'k');
    await rejectsWith('BAD_ARGUMENT', store.transitionCandidate({ id: c.id, from: 'RUNNING', to: 'FAILED' }));
    await rejectsWith('BAD_ARGUMENT', store.transitionCandidate({ id: c.id, from: 'RUNNING', to: 'DONE' as 'FAILED', reason: 'x' }));
    await rejectsWith('BAD_ARGUMENT', store.transitionCandidate({ id: c.id, from: 'RUNNING', to: 'INFEASIBLE', reason: 'x' }));
    const back = await store.transitionCandidate({ id: c.id, from: 'RUNNING', to: 'PENDING' });
    assert.equal(back.status, 'PENDING');
    assert.equal(back.attempts, 1);
    const again = await store.transitionCandidate({ id: c.id, from: 'PENDING', to: 'RUNNING' });
    assert.equal(again.attempts, 2);
    const failed = await store.transitionCandidate({ id: c.id, from: 'RUNNING', to: 'FAILED', reason: 'worker exited with code 134' });
    assert.equal(failed.failureReason, 'worker exited with code 134');
    assert.ok(failed.finishedAt);
    await rejectsWith('BAD_ARGUMENT', store.transitionCandidate({ id: c.id, from: 'FAILED', to: 'PENDING' }));
    await rejectsWith('CONFLICT', store.transitionCandidate({ id: c.id, from: 'PENDING', to: 'RUNNING' }));
    await rejectsWith('NOT_FOUND', store.transitionCandidate({ id: 'nope', from: 'PENDING', to: 'RUNNING' }));
    assert.deepEqual(await store.getCandidate(c.id), failed);
  });
}

function results(test: ContractCase): void {
  test('recordResult makes a candidate DONE once; a repeat is a CONFLICT and counts nothing', async (store) => {
    const { run } = await scene(store);
    const c = await claimed(store, run.id, 'k');
    const artifact = await store.putArtifact(new Uint8Array([7, 7, 7]));
    const result = { id: c.id, metrics: sampleMetrics(0.9), artifactSha256: artifact.sha256, provenance: sampleProvenance(c.modelSha256) };
    const missing = { ...result, artifactSha256: 'f'.repeat(64) };
    await rejectsWith('BAD_ARGUMENT', store.recordResult(missing));
    await rejectsWith('BAD_ARGUMENT', store.recordResult({ ...result, metrics: { ...result.metrics, accuracy: { val: 1.5 } } }));
    const done = await store.recordResult(result);
    assert.equal(done.status, 'DONE');
    assert.deepEqual(done.metrics, result.metrics);
    assert.deepEqual(done.provenance, result.provenance);
    assert.equal(done.artifactSha256, artifact.sha256);
    assert.ok(done.finishedAt);
    await rejectsWith('CONFLICT', store.recordResult(result));
    assert.equal((await store.getRun(run.id)).progress.done, 1);
    const pending = await store.insertCandidate({ runId: run.id, recipe: {}, recipeKey: 'p' });
    await rejectsWith('CONFLICT', store.recordResult({ ...result, id: pending.id }));
  });

  test('recordTestAccuracy adds test accuracy to DONE candidates only', async (store) => {
    const { run } = await scene(store);
    const done = await evaluated(store, run.id, 'k', 0.8);
    const withTest = await store.recordTestAccuracy({ id: done.id, accuracy: 0.79 });
    assert.deepEqual(withTest.metrics, { ...done.metrics!, accuracy: { val: 0.8, test: 0.79 } });
    const pending = await store.insertCandidate({ runId: run.id, recipe: {}, recipeKey: 'p' });
    await rejectsWith('CONFLICT', store.recordTestAccuracy({ id: pending.id, accuracy: 0.5 }));
    await rejectsWith('BAD_ARGUMENT', store.recordTestAccuracy({ id: done.id, accuracy: -0.1 }));
  });
}

function requeue(test: ContractCase): void {
  test('requeueInterrupted puts RUNNING candidates of RUNNING runs back, failing those at the limit', async (store) => {
    const { model, run } = await scene(store);
    const once = await claimed(store, run.id, 'once');
    const twice = await claimed(store, run.id, 'twice');
    await store.transitionCandidate({ id: twice.id, from: 'RUNNING', to: 'PENDING' });
    await store.transitionCandidate({ id: twice.id, from: 'PENDING', to: 'RUNNING' });
    const done = await evaluated(store, run.id, 'done');
    const waiting = await store.insertCandidate({ runId: run.id, recipe: {}, recipeKey: 'waiting' });
    const cancelled = await store.createRun(sampleRun(model.id, 'stm32h743'));
    await store.updateRun({ id: cancelled.id, from: 'QUEUED', to: 'RUNNING' });
    const orphan = await claimed(store, cancelled.id, 'orphan');
    await store.updateRun({ id: cancelled.id, from: 'RUNNING', to: 'CANCELLED' });

    await rejectsWith('BAD_ARGUMENT', store.requeueInterrupted({ maxAttempts: 0 }));
    const report = await store.requeueInterrupted({ maxAttempts: 2 });
    assert.deepEqual(report.requeued.map((c) => [c.id, c.status, c.attempts]), [[once.id, 'PENDING', 1]]);
    assert.deepEqual(report.failed.map((c) => [c.id, c.status, c.attempts]), [[twice.id, 'FAILED', 2]]);
    assert.match(report.failed[0]!.failureReason!, /2 time\(s\); retry limit is 2/);
    assert.deepEqual(await store.getCandidate(done.id), done);
    assert.deepEqual(await store.getCandidate(waiting.id), waiting);
    assert.equal((await store.getCandidate(orphan.id)).status, 'RUNNING', 'runs that are not RUNNING are left alone');
    assert.deepEqual(await store.requeueInterrupted({ maxAttempts: 2 }), { requeued: [], failed: [] });
    assert.deepEqual((await store.getRun(run.id)).progress, { total: 4, pending: 2, running: 0, done: 1, failed: 1, infeasible: 0, reused: 0 });
  });
}

function dedup(test: ContractCase): void {
  test('findReusableResult finds the earliest original DONE result across runs', async (store) => {
    const { model, run } = await scene(store);
    const key = { modelSha256: model.sha256, dataset: 'fashion-mnist', deviceId: 'stm32h743', recipeKey: 'prune=0.5' };
    assert.equal(await store.findReusableResult(key), undefined);
    const failed = await claimed(store, run.id, 'prune=0.5');
    await store.transitionCandidate({ id: failed.id, from: 'RUNNING', to: 'FAILED', reason: 'timeout' });
    assert.equal(await store.findReusableResult(key), undefined, 'a FAILED evaluation is not reused');
    const first = await evaluated(store, run.id, 'prune=0.5', 0.81);
    await evaluated(store, run.id, 'prune=0.5', 0.82);
    await evaluated(store, run.id, 'prune=0.6');

    const later = await store.createRun(sampleRun(model.id, 'stm32h743', 8));
    const copy = await store.insertCandidate({ runId: later.id, recipe: {}, recipeKey: 'prune=0.5' });
    const found = await store.findReusableResult(key);
    assert.deepEqual(found, first);
    const reused = await store.recordResult({
      id: copy.id, from: 'PENDING', metrics: found.metrics!, artifactSha256: found.artifactSha256!, provenance: found.provenance!, reusedFrom: found.id,
    });
    assert.equal(reused.reusedFrom, first.id);
    assert.equal(reused.attempts, 0);
    assert.deepEqual(await store.findReusableResult(key), first, 'the copy is not returned; its source is');
    assert.equal((await store.getRun(later.id)).progress.reused, 1);

    for (const miss of [{ deviceId: 'host' }, { dataset: 'mnist' }, { recipeKey: 'prune=0.7' }, { modelSha256: '0'.repeat(64) }]) {
      assert.equal(await store.findReusableResult({ ...key, ...miss }), undefined, JSON.stringify(miss));
    }
    const bad = await store.insertCandidate({ runId: later.id, recipe: {}, recipeKey: 'x' });
    await rejectsWith('BAD_ARGUMENT', store.recordResult({ ...reusedInput(found), id: bad.id, from: 'PENDING', reusedFrom: failed.id }));
  });
}

function reusedInput(c: Candidate) {
  return { id: c.id, metrics: c.metrics!, artifactSha256: c.artifactSha256!, provenance: c.provenance! };
}

function fronts(test: ContractCase): void {
  test('fronts start empty at version 0 and are replaced with optimistic concurrency', async (store, fixture) => {
    const { model, run } = await scene(store);
    const key = { modelId: model.id, dataset: run.dataset, deviceId: run.deviceId };
    assert.deepEqual(await store.getFront(key), { ...key, memberIds: [], version: 0 });
    const a = await evaluated(store, run.id, 'a');
    const b = await evaluated(store, run.id, 'b');
    const v1 = await store.replaceFront({ key, expectedVersion: 0, memberIds: [a.id] });
    assert.deepEqual({ ...v1, updatedAt: '' }, { ...key, memberIds: [a.id], version: 1, updatedAt: '' });
    assert.deepEqual(await store.getFront(key), v1);
    await rejectsWith('CONFLICT', store.replaceFront({ key, expectedVersion: 0, memberIds: [b.id] }));

    const other = await fixture.open();
    const racers = await Promise.allSettled([
      store.replaceFront({ key, expectedVersion: 1, memberIds: [a.id, b.id] }),
      other.replaceFront({ key, expectedVersion: 1, memberIds: [b.id] }),
      other.replaceFront({ key, expectedVersion: 1, memberIds: [a.id] }),
    ]);
    const won = racers.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, 'exactly one writer wins a version');
    const v2 = await store.getFront(key);
    assert.equal(v2.version, 2);
    assert.deepEqual(v2, (won[0] as PromiseFulfilledResult<unknown>).value);
    await other.close();
  });

  test('front members must be distinct DONE candidates of the same model, dataset and device', async (store) => {
    const { model, run } = await scene(store);
    const key = { modelId: model.id, dataset: run.dataset, deviceId: run.deviceId };
    const done = await evaluated(store, run.id, 'a');
    const pending = await store.insertCandidate({ runId: run.id, recipe: {}, recipeKey: 'p' });
    await store.putDevice({ id: 'host', name: 'host', spec: {} });
    const elsewhere = await otherDeviceResult(store, model.id);
    for (const memberIds of [[pending.id], ['nope'], [done.id, done.id], [elsewhere.id]]) {
      await rejectsWith('BAD_ARGUMENT', store.replaceFront({ key, expectedVersion: 0, memberIds }));
    }
    assert.equal((await store.getFront(key)).version, 0, 'rejected replacements wrote nothing');
    const hostKey = { ...key, deviceId: 'host' };
    assert.equal((await store.replaceFront({ key: hostKey, expectedVersion: 0, memberIds: [elsewhere.id] })).version, 1);
    assert.equal((await store.replaceFront({ key, expectedVersion: 0, memberIds: [] })).version, 1, 'fronts are per key');
  });
}

async function otherDeviceResult(store: Store, modelId: string): Promise<Candidate> {
  const run = await store.createRun(sampleRun(modelId, 'host'));
  return evaluated(store, run.id, 'a');
}
