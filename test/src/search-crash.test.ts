// Crash safety: a search process is killed with SIGKILL mid-run, restarted with --resume, and the
// run finishes with every DONE candidate kept once and none stuck RUNNING.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Candidate } from '@frontier/search';
import { freshDataDir } from './support/data-dir.js';
import { frontier, startFrontier } from './support/frontier-cli.js';

/** 3 × 3 × 2 = 18 cheap recipes (no fine-tuning), so a run of 8 takes seconds. */
const space = {
  lowRank: { optional: false, rankRatio: { values: [0.3, 0.6, 1] } },
  prune: { optional: false, ratio: { values: [0, 0.4, 0.8] }, structure: { values: ['unstructured'] } },
  quant: { optional: false, weightBits: { values: [4, 8] }, activationBits: { values: [32] } },
};

describe('a search killed with SIGKILL', () => {
  const dataDir = freshDataDir();
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('resumes and finishes with every DONE candidate kept once and none RUNNING', async () => {
    const spacePath = join(dataDir, 'space.json');
    writeFileSync(spacePath, JSON.stringify(space));
    const args = ['search', '--model', 'fashion-mlp', '--device', 'stm32h7', '--budget', '8', '--sampler', 'grid', '--space', spacePath, '--workers', '2', '--data-dir', dataDir];
    const doneLines = (s: string) => s.split('\n').filter((l) => / DONE /.test(l)).length;
    const { child, reached } = startFrontier(args, (stderr) => doneLines(stderr) >= 3);
    const before = await reached;
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const runId = /run (\w+): starting/.exec(before)![1]!;

    let store = await openStore({ dataDir, env: {} });
    const killed = await store.getRun(runId);
    const doneBefore = await store.listCandidates({ runId, status: ['DONE'] });
    await store.close();
    assert.equal(killed.status, 'RUNNING', 'the killed process left its run RUNNING');
    assert.ok(doneBefore.length >= 3 && doneBefore.length < 8, `killed mid-run (${doneBefore.length} DONE)`);

    const resumed = frontier(['search', '--resume', runId, '--workers', '2', '--data-dir', dataDir, '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).run.status, 'DONE');

    store = await openStore({ dataDir, env: {} });
    try {
      const all = await store.listCandidates({ runId });
      const byStatus = (s: string) => all.filter((c) => c.status === s);
      assert.equal(byStatus('RUNNING').length, 0);
      assert.equal(byStatus('PENDING').length, 0);
      const done = byStatus('DONE');
      assert.equal(done.length + byStatus('FAILED').length, 8, 'the budget is spent exactly');
      assert.equal(new Set(done.map((c) => c.recipeKey)).size, done.length, 'no recipe evaluated twice');
      // What was DONE before the kill is still there, once, unchanged — except that a front member
      // killed before its test pass has its test accuracy now.
      const after = new Map<string, Candidate>(done.map((c) => [c.id, c]));
      for (const c of doneBefore) {
        const now = after.get(c.id)!;
        const test = c.metrics!.accuracy.test ?? now.metrics!.accuracy.test;
        assert.deepEqual(now, { ...c, metrics: { ...c.metrics!, accuracy: { ...c.metrics!.accuracy, ...(test === undefined ? {} : { test }) } } });
      }
      const front = await store.getFront({ modelId: done[0]!.modelId, dataset: 'fashion-mnist', deviceId: done[0]!.deviceId });
      for (const m of await store.getCandidates(front.memberIds)) assert.ok(m.metrics!.accuracy.test !== undefined, `front member ${m.id} has a test accuracy`);
    } finally {
      await store.close();
    }
  });
});
