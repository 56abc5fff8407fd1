import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { POOL_NICE_INCREMENT, WorkerPool, TaskFailure } from './worker-pool.js';
import { threadNice, type FaultTask } from '../testing/fault-worker.js';

describe('WorkerPool', () => {
  const pool = new WorkerPool<FaultTask, { value: number; threadId: number }>({
    filename: new URL('../testing/fault-worker.js', import.meta.url),
    maxThreads: 2,
    taskTimeoutMs: 3000,
    maxOldGenerationSizeMb: 64,
  });
  after(() => pool.close(true));

  const failure = async (task: FaultTask, signal?: AbortSignal): Promise<TaskFailure> => {
    try {
      await pool.run(task, signal ? { signal } : {});
    } catch (err) {
      assert.ok(err instanceof TaskFailure, `expected TaskFailure, got ${String(err)}`);
      return err;
    }
    assert.fail('expected the task to fail');
  };

  it('runs tasks', async () => {
    const results = await Promise.all([1, 2, 3, 4].map((value) => pool.run({ mode: 'ok', value })));
    assert.deepEqual(results.map((r) => r.value), [2, 4, 6, 8]);
  });

  it('runs its threads at a lower priority than the thread that owns the pool', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
    const owner = threadNice();
    const results = await Promise.all([1, 2, 3].map(() => pool.run({ mode: 'nice' })));
    for (const r of results) assert.equal(r.value, Math.min(19, owner + POOL_NICE_INCREMENT));
    assert.equal(threadNice(), owner);
  });

  it('turns each fault into a named failure and keeps serving', async () => {
    const thrown = await failure({ mode: 'throw', value: 5 });
    assert.equal(thrown.kind, 'threw');
    assert.match(thrown.message, /asked to throw \(5\)/);
    const coded = await failure({ mode: 'coded', value: 2 });
    assert.equal(coded.kind, 'threw');
    assert.equal(coded.code, 'BAD_RECIPE');
    assert.deepEqual(coded.details, { field: 'prune.ratio', value: 2 });
    assert.equal(coded.message, 'prune.ratio must be in [0, 1), got 2');
    assert.equal((await failure({ mode: 'exit' })).kind, 'exited');
    assert.equal((await failure({ mode: 'memory' })).kind, 'memory');
    const slow = await failure({ mode: 'hang' });
    assert.equal(slow.kind, 'timeout');
    assert.match(slow.message, /3000 ms/);
    const controller = new AbortController();
    const pending = failure({ mode: 'hang' }, controller.signal);
    setTimeout(() => controller.abort(), 50);
    assert.equal((await pending).kind, 'cancelled');
    // After all of that the pool still answers, on every thread.
    const after = await Promise.all([1, 2, 3].map((value) => pool.run({ mode: 'ok', value })));
    assert.deepEqual(after.map((r) => r.value), [2, 4, 6]);
  });

  describe('a task running onnxruntime when it is cancelled or out of time', () => {
    // One thread, and a grace far longer than the test: a task that did not stop by itself would
    // have its thread replaced (a new threadId) only after 60 s.
    const single = new WorkerPool<FaultTask, { value: number; threadId: number }>({
      filename: new URL('../testing/fault-worker.js', import.meta.url),
      maxThreads: 1,
      taskTimeoutMs: 1500,
      stopGraceMs: 60_000,
    });
    after(() => single.close(true));

    it('stops at its next onnxruntime call and its thread keeps serving', async () => {
      const before = (await single.run({ mode: 'ok', value: 1 })).threadId;
      const controller = new AbortController();
      const running = single.run({ mode: 'onnx-loop' }, { signal: controller.signal });
      setTimeout(() => controller.abort(), 500);
      await assert.rejects(running, (err: unknown) => err instanceof TaskFailure && err.kind === 'cancelled');
      assert.equal((await single.run({ mode: 'ok', value: 2 })).threadId, before);
      // Out of time, the same: a timeout failure, the same thread.
      await assert.rejects(single.run({ mode: 'onnx-loop' }), (err: unknown) => err instanceof TaskFailure && err.kind === 'timeout');
      assert.equal((await single.run({ mode: 'ok', value: 3 })).threadId, before);
    });
  });
});
