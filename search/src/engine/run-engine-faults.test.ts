// The engine when its collaborators fail: a store error mid-run, an estimate that throws, a test
// evaluation that fails, a front that keeps changing under it, and a resume it must refuse. Each
// run must end in a state a user can read (its status and error), keep everything DONE, and leave
// no candidate claimed and forgotten.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { Candidate, FrontKey, Model, NewRun, Run } from '../store/types.js';
import { bruteForceFront } from '../testing/dominance-oracle.js';
import { FakeDispatcher, fakeEstimate } from '../testing/fake-dispatcher.js';
import { faultyStore, type FaultyStore } from '../testing/faulty-store.js';
import { DispatchFailure } from './dispatcher.js';
import { RunEvents, type RunEvent } from './events.js';
import { runEngine } from './run-engine.js';

/** 3 × 3 × 3 = 27 recipes. */
const space = {
  lowRank: { optional: false, rankRatio: { values: [0.25, 0.5, 1] } },
  prune: { optional: false, ratio: { values: [0, 0.5, 0.8] }, structure: { values: ['unstructured'] } },
  quant: { optional: false, weightBits: { values: [2, 4, 8] }, activationBits: { values: [32] } },
};
const device = { ramBytes: 1_000_000, flashBytes: 10_000_000 };

describe('runEngine under faults', () => {
  let dir: string;
  let real: Store;
  let faulty: FaultyStore;
  let model: Model;
  let key: FrontKey;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frontier-engine-faults-'));
    real = await openSqliteStore({ dataDir: dir });
    faulty = faultyStore(real);
    await real.putDevice({ id: 'mcu', name: 'Test MCU', spec: device });
    model = await real.registerModel({ name: 'm', onnx: Uint8Array.from([1, 2, 3]), inputShape: [1, 1, 28, 28], classes: 10, params: 100_000, macs: 2e6, coverage: {} });
    key = { modelId: model.id, dataset: 'fashion-mnist', deviceId: 'mcu' };
  });
  afterEach(async () => {
    await real.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const newRun = (over: Partial<NewRun> = {}): Promise<Run> =>
    real.createRun({
      modelId: model.id, dataset: 'fashion-mnist', deviceId: 'mcu', objectives: ['accuracy', 'deployBytes'], constraints: {},
      space, sampler: { kind: 'grid' }, budget: { evaluations: 9 }, seed: 3, ...over,
    });
  const statuses = async (runId: string) => (await real.listCandidates({ runId })).map((c) => c.status);

  it('fails the run, naming the store error, when the store fails mid-run; keeps what is DONE and claims nothing', async () => {
    faulty.before('recordResult', ({ call }) => {
      if (call === 4) throw new Error('SQLITE_IOERR: disk I/O error');
    });
    const events: RunEvent[] = [];
    const hub = new RunEvents();
    hub.subscribe((e) => events.push(e));
    const run = await newRun();
    const final = await runEngine({ store: faulty.store, runId: run.id, dispatcher: new FakeDispatcher(), estimate: fakeEstimate, device, events: hub });
    assert.equal(final.status, 'FAILED');
    assert.equal(final.error, 'SQLITE_IOERR: disk I/O error');
    assert.deepEqual((await real.getRun(run.id)).status, 'FAILED');
    const after = await real.listCandidates({ runId: run.id });
    // The three results recorded before the failure are DONE with their metrics and artifacts;
    // the one whose result could not be stored is FAILED with the run's error; none is RUNNING.
    const done = after.filter((c) => c.status === 'DONE');
    assert.ok(done.length >= 3, (await statuses(run.id)).join());
    for (const c of done) assert.ok(c.metrics && (await real.hasArtifact(c.artifactSha256!)));
    assert.ok(!after.some((c) => c.status === 'RUNNING' || c.status === 'PENDING'), (await statuses(run.id)).join());
    const lost = after.filter((c) => c.status === 'FAILED');
    assert.ok(lost.length >= 1 && lost.every((c) => c.failureReason === 'the run failed: SQLITE_IOERR: disk I/O error'));
    assert.deepEqual([...(await real.getFront(key)).memberIds].sort(), bruteForceFront(after, device));
    const last = events.at(-1)!;
    assert.ok(last.type === 'runStatus' && last.run.status === 'FAILED' && last.run.error === final.error);
  });

  it('leaves a run RUNNING when the store stays down, and a resume completes it without evaluating anything DONE again', async () => {
    let down = false;
    faulty.before('recordResult', ({ call }) => {
      if (call >= 4) down = true;
      if (down) throw new Error('connection lost');
    });
    faulty.before('transitionCandidate', () => {
      if (down) throw new Error('connection lost');
    });
    faulty.before('updateRun', () => {
      if (down) throw new Error('connection lost');
    });
    const run = await newRun();
    const first = new FakeDispatcher();
    await assert.rejects(runEngine({ store: faulty.store, runId: run.id, dispatcher: first, estimate: fakeEstimate, device }), /connection lost/);
    assert.equal((await real.getRun(run.id)).status, 'RUNNING');
    const doneBefore = (await real.listCandidates({ runId: run.id, status: ['DONE'] })).map((c) => c.id);
    assert.equal(doneBefore.length, 3);
    // The store is back: recovery as on a restart.
    down = false;
    faulty.before('recordResult', () => undefined);
    const requeued = await real.requeueInterrupted({ maxAttempts: 3 });
    assert.ok(requeued.requeued.length >= 1);
    const second = new FakeDispatcher();
    const final = await runEngine({ store: real, runId: run.id, dispatcher: second, estimate: fakeEstimate, device });
    assert.equal(final.status, 'DONE', final.error);
    assert.equal(final.progress.done, 9);
    const again = second.evaluated.map((r) => JSON.stringify(r));
    for (const c of await real.getCandidates(doneBefore)) {
      assert.equal(c.status, 'DONE');
      assert.ok(!again.includes(JSON.stringify(c.recipe)), 'a DONE recipe was evaluated again');
    }
  });

  it('turns an estimate that throws into a FAILED candidate with the reason, and goes on', async () => {
    const estimate = (recipe: Parameters<typeof fakeEstimate>[0]) => {
      if (recipe.quant?.weightBits === 4) throw new Error('shape inference failed on node "fc1"');
      return fakeEstimate(recipe);
    };
    const dispatcher = new FakeDispatcher();
    const run = await newRun({ budget: { evaluations: 27 } });
    const final = await runEngine({ store: real, runId: run.id, dispatcher, estimate, device });
    assert.equal(final.status, 'DONE', final.error);
    const failed = await real.listCandidates({ runId: run.id, status: ['FAILED'] });
    assert.equal(failed.length, 9);
    for (const c of failed) {
      assert.equal((c.recipe as { quant: { weightBits: number } }).quant.weightBits, 4);
      assert.equal(c.failureReason, 'pre-screen: shape inference failed on node "fc1"');
    }
    assert.ok(dispatcher.evaluated.every((r) => r.quant?.weightBits !== 4), 'a recipe whose estimate failed was dispatched');
    assert.equal(final.progress.done, 18);
  });

  it('keeps a front member without a test accuracy when its test evaluation fails', async () => {
    const dispatcher = new FakeDispatcher({ testFault: () => new DispatchFailure('threw', 'test split unreadable') });
    const run = await newRun();
    const final = await runEngine({ store: real, runId: run.id, dispatcher, estimate: fakeEstimate, device });
    assert.equal(final.status, 'DONE', final.error);
    const front = await real.getFront(key);
    assert.deepEqual([...front.memberIds].sort(), bruteForceFront(await real.listCandidates({ runId: run.id }), device));
    assert.ok(dispatcher.testEvaluations >= front.memberIds.length);
    for (const c of await real.getCandidates(front.memberIds)) assert.equal(c.metrics!.accuracy.test, undefined);
  });

  it('fails the run, naming the error, when storing a test accuracy fails; the front keeps its members', async () => {
    faulty.before('recordTestAccuracy', () => {
      throw new Error('write conflict on candidates');
    });
    const run = await newRun();
    const final = await runEngine({ store: faulty.store, runId: run.id, dispatcher: new FakeDispatcher(), estimate: fakeEstimate, device });
    assert.equal(final.status, 'FAILED');
    assert.equal(final.error, 'write conflict on candidates');
    const candidates = await real.listCandidates({ runId: run.id });
    assert.ok(!candidates.some((c) => c.status === 'RUNNING' || c.status === 'PENDING'));
    assert.deepEqual([...(await real.getFront(key)).memberIds].sort(), bruteForceFront(candidates, device));
    assert.ok((await real.getFront(key)).memberIds.length >= 1);
  });

  it('retries a front replaced concurrently, keeping the other writer\'s member', async () => {
    // Another run's candidate, cheap on every resource but inaccurate: no fake recipe dominates it.
    const other = await doneCandidate(real, await newRun({ seed: 8 }), { val: 0.05, bytes: 500, ms: 0.1 });
    faulty.before('replaceFront', async ({ call, inner }) => {
      if (call !== 2) return;
      // Between the engine's read and its write, the other run puts its member on the front.
      const front = await inner.getFront(key);
      await inner.replaceFront({ key, expectedVersion: front.version, memberIds: [...front.memberIds, other.id] });
    });
    const run = await newRun();
    const final = await runEngine({ store: faulty.store, runId: run.id, dispatcher: new FakeDispatcher(), estimate: fakeEstimate, device });
    assert.equal(final.status, 'DONE', final.error);
    const front = await real.getFront(key);
    assert.ok(front.memberIds.includes(other.id), 'the concurrent member was lost');
    const all = [...(await real.listCandidates({ runId: run.id })), other];
    assert.deepEqual([...front.memberIds].sort(), bruteForceFront(all, device));
    // Every accepted offer wrote once, plus the one write that met the conflict.
    assert.equal(faulty.calls('replaceFront'), front.version);
  });

  it('gives up, failing the run with a clear error, when the front changes on every attempt', async () => {
    faulty.before('replaceFront', async ({ inner }) => {
      const front = await inner.getFront(key);
      await inner.replaceFront({ key, expectedVersion: front.version, memberIds: front.memberIds });
    });
    const run = await newRun();
    const final = await runEngine({ store: faulty.store, runId: run.id, dispatcher: new FakeDispatcher(), estimate: fakeEstimate, device });
    assert.equal(final.status, 'FAILED');
    assert.equal(final.error, `the front of ${model.id}/fashion-mnist/mcu kept changing; gave up after 8 attempts`);
    // Eight attempts by each offer in flight when the run failed (the dispatcher runs two at once).
    assert.ok([8, 16].includes(faulty.calls('replaceFront')), `${faulty.calls('replaceFront')} writes`);
  });

  it('refuses to resume a run with a RUNNING candidate that was not requeued, evaluating nothing', async () => {
    const run = await newRun();
    await real.updateRun({ id: run.id, from: 'QUEUED', to: 'RUNNING' });
    const c = await real.insertCandidate({ runId: run.id, recipe: { prune: { ratio: 0.5, structure: 'unstructured' } }, recipeKey: 'k' });
    await real.transitionCandidate({ id: c.id, from: 'PENDING', to: 'RUNNING' });
    const dispatcher = new FakeDispatcher();
    const final = await runEngine({ store: real, runId: run.id, dispatcher, estimate: fakeEstimate, device });
    assert.equal(final.status, 'FAILED');
    assert.equal(final.error, `candidate ${c.id} of run ${run.id} is RUNNING: requeue interrupted candidates before resuming`);
    assert.equal(dispatcher.evaluated.length, 0);
    // Someone else's claim is not the engine's to settle.
    assert.equal((await real.getCandidate(c.id)).status, 'RUNNING');
  });
});

/** A DONE candidate of `run` with the given accuracy, size (bytes, RAM) and latency. */
async function doneCandidate(store: Store, run: Run, m: { val: number; bytes: number; ms: number }): Promise<Candidate> {
  const c = await store.insertCandidate({ runId: run.id, recipe: { prune: { ratio: 0.9, structure: 'unstructured' } }, recipeKey: `k-${run.id}` });
  await store.transitionCandidate({ id: c.id, from: 'PENDING', to: 'RUNNING' });
  const artifact = await store.putArtifact(Uint8Array.from([9, 9, 9]));
  return store.recordResult({
    id: c.id,
    metrics: {
      accuracy: { val: m.val },
      latency: { ms: m.ms, source: 'PREDICTED' },
      peakRamBytes: m.bytes,
      modelBytes: m.bytes,
      deployBytes: m.bytes,
      params: 10,
      nonzeroParams: 10,
      macs: 10,
    },
    artifactSha256: artifact.sha256,
    provenance: { modelSha256: 'm', datasetSha256: 'd', versions: { frontier: '0.1.0' }, seed: 1, timings: { totalMs: 1 } },
  });
}
