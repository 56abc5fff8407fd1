import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import type { Model, NewRun } from '../store/types.js';
import type { Recipe } from '@frontier/workers';
import type { PreScreen } from './screen.js';
import { bruteForceFront } from '../testing/dominance-oracle.js';
import { FakeDispatcher, fakeEstimate as estimate, fakeMetrics } from '../testing/fake-dispatcher.js';
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

describe('runEngine', () => {
  let dir: string;
  let store: Store;
  let model: Model;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frontier-engine-'));
    store = await openSqliteStore({ dataDir: dir });
    await store.putDevice({ id: 'mcu', name: 'Test MCU', spec: device });
    model = await store.registerModel({ name: 'm', onnx: Uint8Array.from([1, 2, 3]), inputShape: [1, 1, 28, 28], classes: 10, params: 100_000, macs: 2e6, coverage: {} });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const newRun = (over: Partial<NewRun> = {}): Promise<ReturnType<Store['createRun']> extends Promise<infer R> ? R : never> =>
    store.createRun({
      modelId: model.id, dataset: 'fashion-mnist', deviceId: 'mcu', objectives: ['accuracy', 'deployBytes'], constraints: {},
      space, sampler: { kind: 'random' }, budget: { evaluations: 8 }, seed: 3, ...over,
    });

  it('evaluates its budget, stores every result, and keeps the stored front non-dominated', async () => {
    const events: RunEvent[] = [];
    const hub = new RunEvents();
    hub.subscribe((e) => events.push(e));
    const dispatcher = new FakeDispatcher();
    const run = await newRun();
    const final = await runEngine({ store, runId: run.id, dispatcher, estimate, device, events: hub });
    assert.equal(final.status, 'DONE', final.error);
    assert.equal(final.progress.done, 8);
    assert.equal(dispatcher.evaluated.length, 8);
    const candidates = await store.listCandidates({ runId: run.id });
    assert.equal(new Set(candidates.map((c) => c.recipeKey)).size, 8, 'no recipe evaluated twice');
    const front = await store.getFront({ modelId: model.id, dataset: 'fashion-mnist', deviceId: 'mcu' });
    // The front by definition (every pair compared), and a check that this run has dominated
    // candidates at all — else a filter keeping everything would pass.
    const expected = bruteForceFront(candidates, device);
    assert.ok(expected.length >= 1 && expected.length < candidates.filter((c) => c.status === 'DONE').length, `front ${expected.length} of ${candidates.length}`);
    assert.deepEqual([...front.memberIds].sort(), expected);
    for (const member of await store.getCandidates(front.memberIds)) assert.equal(member.metrics?.accuracy.test, 0.9);
    assert.equal(events.filter((e) => e.type === 'candidateStarted').length, 8);
    assert.equal(events.filter((e) => e.type === 'candidateFinished').length, 8);
    assert.ok(events.some((e) => e.type === 'frontChanged'));
    assert.deepEqual(events.filter((e) => e.type === 'runStatus').map((e) => (e as { run: { status: string } }).run.status), ['RUNNING', 'DONE']);
  });

  it('stops proposing when its time budget is spent, and stores the time', async () => {
    let t = 0;
    const now = () => (t += 250); // every look at the clock advances it by 250 ms
    const dispatcher = new FakeDispatcher();
    const run = await newRun({ budget: { seconds: 3 } });
    const final = await runEngine({ store, runId: run.id, dispatcher, estimate, device, now });
    assert.equal(final.status, 'DONE');
    assert.ok(final.progress.done >= 1 && final.progress.done < 27, `${final.progress.done} evaluated`);
    assert.ok(final.elapsedMs >= 3000);
  });

  it('stores recipes the pre-screen rules out as INFEASIBLE without evaluating them', async () => {
    const dispatcher = new FakeDispatcher();
    const run = await newRun({ constraints: { maxFlashBytes: 20_000 }, budget: { evaluations: 4 } });
    const final = await runEngine({ store, runId: run.id, dispatcher, estimate, device });
    const candidates = await store.listCandidates({ runId: run.id });
    const infeasible = candidates.filter((c) => c.status === 'INFEASIBLE');
    assert.ok(infeasible.length > 0);
    for (const c of infeasible) {
      assert.ok(c.estimates!.deployBytes! > 20_000);
      assert.match(c.failureReason ?? '', /estimated deploy bytes \d+ > 20000/);
    }
    for (const r of dispatcher.evaluated) assert.ok(fakeMetrics(r).deployBytes <= 20_000);
    assert.equal(final.progress.done, 4);
  });

  it('stores a recipe the device cannot run as INFEASIBLE with the estimate’s reason', async () => {
    const dispatcher = new FakeDispatcher();
    const run = await newRun({ budget: { evaluations: 4 } });
    // The device lacks 2-bit weights: the estimate says so as data, the engine records it.
    const unsupportedAt2Bits = async (recipe: Recipe): Promise<PreScreen> =>
      recipe.quant?.weightBits === 2 ? { ...(await estimate(recipe)), unsupported: 'the device cannot run int2 weights' } : estimate(recipe);
    await runEngine({ store, runId: run.id, dispatcher, estimate: unsupportedAt2Bits, device });
    const candidates = await store.listCandidates({ runId: run.id });
    const twoBit = candidates.filter((c) => (c.recipe as { quant: { weightBits: number } }).quant.weightBits === 2);
    assert.ok(twoBit.length > 0, 'the random sampler proposed no 2-bit recipe');
    for (const c of twoBit) {
      assert.equal(c.status, 'INFEASIBLE');
      assert.equal(c.failureReason, 'pre-screen: the device cannot run int2 weights');
    }
    for (const r of dispatcher.evaluated) assert.notEqual(r.quant?.weightBits, 2);
  });

  it('lets a pre-screening sampler screen candidates in batches, so it never proposes an infeasible one', async () => {
    const dispatcher = new FakeDispatcher();
    const screened: Recipe[] = [];
    const counting = (recipe: Recipe) => (screened.push(recipe), estimate(recipe));
    const run = await newRun({ sampler: { kind: 'gp' }, constraints: { maxFlashBytes: 20_000 }, budget: { evaluations: 4 } });
    const final = await runEngine({ store, runId: run.id, dispatcher, estimate: counting, device });
    assert.equal(final.status, 'DONE', final.error);
    const candidates = await store.listCandidates({ runId: run.id });
    assert.equal(candidates.filter((c) => c.status === 'INFEASIBLE').length, 0);
    assert.equal(dispatcher.evaluated.length, 4);
    for (const r of dispatcher.evaluated) assert.ok(fakeMetrics(r).deployBytes <= 20_000);
    assert.ok(screened.length >= 27, 'the whole 27-recipe space was screened');
  });

  it('fails a gp run when no recipe of the space passes the pre-screen, saying why', async () => {
    const run = await newRun({ sampler: { kind: 'gp' }, constraints: { maxRamBytes: 1000 } });
    const final = await runEngine({ store, runId: run.id, dispatcher: new FakeDispatcher(), estimate, device });
    assert.equal(final.status, 'FAILED');
    assert.match(final.error ?? '', /no recipe of the space passes the pre-screen \(27 screened, the whole space; e\.g\. estimated peak RAM bytes \d+ > 1000\)/);
  });

  it('fails a run whose constraints nothing can meet, saying which', async () => {
    const dispatcher = new FakeDispatcher();
    const run = await newRun({ constraints: { maxRamBytes: 1000 } });
    const final = await runEngine({ store, runId: run.id, dispatcher, estimate, device, maxInfeasibleStreak: 10 });
    assert.equal(final.status, 'FAILED');
    assert.match(final.error ?? '', /no recipe met the constraints: the last 10 proposals .*estimated peak RAM bytes \d+ > 1000/);
    assert.equal(dispatcher.evaluated.length, 0);
  });

  it('reuses an identical earlier evaluation of the same model, dataset and device', async () => {
    const first = new FakeDispatcher();
    const a = await newRun({ sampler: { kind: 'grid' }, budget: { evaluations: 27 } });
    await runEngine({ store, runId: a.id, dispatcher: first, estimate, device });
    assert.equal(first.evaluated.length, 27);
    const second = new FakeDispatcher();
    const b = await newRun({ sampler: { kind: 'grid' }, budget: { evaluations: 27 }, seed: 9 });
    const final = await runEngine({ store, runId: b.id, dispatcher: second, estimate, device });
    assert.equal(second.evaluated.length, 0);
    assert.equal(final.progress.reused, 27);
    assert.equal(final.progress.done, 27);
  });

  it('turns a failed evaluation into a FAILED candidate and goes on', async () => {
    const dispatcher = new FakeDispatcher({ fault: (r) => (r.quant?.weightBits === 2 ? new DispatchFailure('memory', 'the task exceeded its memory limit') : undefined) });
    const run = await newRun({ sampler: { kind: 'grid' }, budget: { evaluations: 27 } });
    const final = await runEngine({ store, runId: run.id, dispatcher, estimate, device });
    assert.equal(final.status, 'DONE', final.error);
    assert.equal(final.progress.failed, 9);
    assert.equal(final.progress.done, 18);
    const failed = await store.listCandidates({ runId: run.id, status: ['FAILED'] });
    assert.ok(failed.every((c) => c.failureReason === 'memory: the task exceeded its memory limit'));
  });

  it('cancels: nothing new starts and everything found is kept', async () => {
    const controller = new AbortController();
    const hub = new RunEvents();
    hub.subscribe((e) => {
      if (e.type === 'candidateFinished' && e.candidate.status === 'DONE') controller.abort();
    });
    const dispatcher = new FakeDispatcher();
    const run = await newRun({ budget: { evaluations: 20 } });
    const final = await runEngine({ store, runId: run.id, dispatcher, estimate, device, events: hub, signal: controller.signal });
    assert.equal(final.status, 'CANCELLED');
    assert.ok(final.progress.done >= 1 && final.progress.done < 20);
    assert.equal(final.progress.running + final.progress.pending, 0);
  });

  it('resumes an interrupted run without evaluating anything DONE again', async () => {
    // The state a killed process leaves: the run RUNNING, one candidate claimed and never finished.
    const run2 = await newRun({ sampler: { kind: 'grid' }, budget: { evaluations: 5 }, seed: 5 });
    await store.updateRun({ id: run2.id, from: 'QUEUED', to: 'RUNNING' });
    const interrupted = { lowRank: { rankRatio: 0.5 }, prune: { ratio: 0.5, structure: 'unstructured' }, quant: { weightBits: 8, activationBits: 32, granularity: 'per-channel', symmetric: true } };
    const c = await store.insertCandidate({ runId: run2.id, recipe: interrupted, recipeKey: 'k-interrupted' });
    await store.transitionCandidate({ id: c.id, from: 'PENDING', to: 'RUNNING' });
    const requeued = await store.requeueInterrupted({ maxAttempts: 3 });
    assert.deepEqual(requeued.requeued.map((x) => x.id), [c.id]);
    const second = new FakeDispatcher();
    const final = await runEngine({ store, runId: run2.id, dispatcher: second, estimate, device });
    assert.equal(final.status, 'DONE', final.error);
    assert.equal(final.progress.done, 5);
    assert.deepEqual(second.evaluated[0], interrupted);
    assert.equal((await store.getCandidate(c.id)).attempts, 2);
  });

  it('gives front members left without test accuracy their figure when a run is resumed', async () => {
    // The first run's test passes all fail: its front members keep only their val accuracy.
    const flaky = new FakeDispatcher();
    flaky.evaluateTest = async () => {
      throw new DispatchFailure('exited', 'the worker exited');
    };
    const first = await runEngine({ store, runId: (await newRun({ budget: { evaluations: 6 } })).id, dispatcher: flaky, estimate, device });
    assert.equal(first.status, 'DONE', first.error);
    const key = { modelId: model.id, dataset: 'fashion-mnist', deviceId: 'mcu' };
    const before = await store.getCandidates((await store.getFront(key)).memberIds);
    assert.ok(before.length > 0 && before.every((c) => c.metrics!.accuracy.test === undefined));
    // An interrupted run resumes with a working dispatcher.
    const second = await newRun({ budget: { evaluations: 1 }, seed: 9 });
    await store.updateRun({ id: second.id, from: 'QUEUED', to: 'RUNNING' });
    const dispatcher = new FakeDispatcher();
    assert.equal((await runEngine({ store, runId: second.id, dispatcher, estimate, device })).status, 'DONE');
    const after = await store.getCandidates((await store.getFront(key)).memberIds);
    assert.ok(after.every((c) => c.metrics!.accuracy.test === 0.9), JSON.stringify(after.map((c) => c.metrics!.accuracy)));
  });
});
