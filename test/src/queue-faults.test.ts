// Worker loss and shutdown, through a real redis-server and real `frontier worker` processes: a job
// whose workers keep dying is retried on another one up to the limit, then fails with BullMQ's
// reason; a worker told to stop (SIGTERM) finishes the job in hand and takes no more.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { DispatchFailure, QueueDispatcher, openStore, sha256Hex } from '@frontier/search';
import { redisServerMissing, startRedisServer, type RedisServer } from '@frontier/search/testing';
import { detectHostFacts, deviceCatalogue, findDevice, zooModelPath } from '@frontier/workers';
import { freshDataDir } from './support/data-dir.js';
import { frontierAsync, startFrontier } from './support/frontier-cli.js';

const bytes = readFileSync(zooModelPath('fashion-mlp'));
const device = findDevice('stm32h7', deviceCatalogue(detectHostFacts()));
const recipe = (ratio: number) => ({ prune: { ratio, structure: 'unstructured' as const } });

interface Worker {
  readonly child: ChildProcess;
  log(): string;
}

describe('queue workers that die or are stopped', { skip: redisServerMissing(), timeout: 240_000 }, () => {
  const dataDir = freshDataDir('frontier-worker-');
  let redis: RedisServer;
  const workers: Worker[] = [];

  async function startWorker(extra: readonly string[] = ['--lock-ms', '1000', '--stalled-check-ms', '500']): Promise<Worker> {
    const args = ['worker', '--redis', redis.url, '--threads', '1', '--data-dir', dataDir, ...extra];
    const { child, reached } = startFrontier(args, (s) => s.includes(' ready on '));
    let log = await reached;
    child.stderr.on('data', (chunk: string) => (log += chunk));
    const w = { child, log: () => log };
    workers.push(w);
    return w;
  }
  const open = (scope: string) => QueueDispatcher.open({ redisUrl: redis.url, model: { sha256: sha256Hex(bytes), bytes }, dataset: 'fashion-mnist', device, scope, reconcileIntervalMs: 500 });
  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise((r) => setTimeout(r, 10));
  };

  before(async () => (redis = await startRedisServer()));
  after(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('retries a job whose worker was SIGKILLed on another worker, then fails it with the reason past the limit', async () => {
    const pool = [await startWorker(['--lock-ms', '1000', '--stalled-check-ms', '500', '--max-stalled', '1']), await startWorker(['--lock-ms', '1000', '--stalled-check-ms', '500', '--max-stalled', '1']), await startWorker(['--lock-ms', '1000', '--stalled-check-ms', '500', '--max-stalled', '1'])];
    const d = await open('stalls');
    try {
      const evaluation = d.evaluate(recipe(0.35), { seed: 1 });
      evaluation.catch(() => {});
      const killed: Worker[] = [];
      for (let round = 0; round < 2; round++) {
        let starter: Worker | undefined;
        await until(() => (starter = pool.find((w) => !killed.includes(w) && / started/.test(w.log()))) !== undefined);
        starter!.child.kill('SIGKILL');
        killed.push(starter!);
      }
      await assert.rejects(evaluation, (err: unknown) => {
        assert.ok(err instanceof DispatchFailure);
        assert.equal(err.kind, 'exited');
        assert.match(err.message, /^the worker process running it was lost too often \(job stalled more than allowable limit\)$/);
        return true;
      });
      assert.equal(killed.length, 2, 'the job was taken again by a second worker after the first was lost');
    } finally {
      await d.close();
      for (const w of pool) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    }
  });

  it('finishes the job in hand on SIGTERM, takes no more, and exits 0', async () => {
    const w = await startWorker();
    const d = await open('sigterm');
    try {
      const first = d.evaluate(recipe(0.25), { seed: 2 });
      await until(() => / started/.test(w.log()));
      const exited = new Promise<number | null>((resolve) => w.child.once('exit', resolve));
      w.child.kill('SIGTERM');
      const controller = new AbortController();
      const second = d.evaluate(recipe(0.55), { seed: 3, signal: controller.signal });
      second.catch(() => {});
      const outcome = await first;
      assert.ok(outcome.metrics.accuracy.val > 0.5, 'the job in hand was finished');
      assert.equal(await exited, 0);
      assert.match(w.log(), /SIGTERM: finishing the jobs in hand, taking no more[\s\S]*completed[\s\S]*stopped/);
      assert.equal((w.log().match(/ started/g) ?? []).length, 1, 'the second job was left on the queue for others');
      controller.abort();
      await assert.rejects(second, (err: unknown) => err instanceof DispatchFailure && err.kind === 'cancelled');
    } finally {
      await d.close();
    }
  });

  it('puts the job in hand back on the queue at a second SIGTERM, where another worker takes it', async () => {
    // BullMQ's default 30 s lock: the job comes back by being put back, not by the stalled check.
    const leaving = await startWorker([]);
    const d = await open('give-back');
    const queue = new Queue('frontier-evaluations', { connection: { url: redis.url } });
    try {
      const evaluation = d.evaluate({ ...recipe(0.45), distill: { temperature: 4, alpha: 0.5, epochs: 0.1, layers: 'all' as const } }, { seed: 4 });
      await until(() => / started/.test(leaving.log()));
      const exited = new Promise<number | null>((resolve) => leaving.child.once('exit', resolve));
      leaving.child.kill('SIGTERM');
      await until(() => /SIGTERM: finishing/.test(leaving.log()));
      leaving.child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.match(leaving.log(), /put back on the queue/);
      const taker = await startWorker([]);
      const outcome = await evaluation;
      assert.ok(outcome.metrics.accuracy.val > 0.5);
      // The taker's log line comes over its stderr, which can arrive after the result did.
      await until(() => /completed/.test(taker.log()));
      const jobs = (await queue.getCompleted()).filter((j) => j.id!.startsWith('give-back-'));
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]!.stalledCounter, 0, 'never counted as stalled');
      taker.child.kill('SIGKILL');
    } finally {
      await queue.close();
      await d.close();
    }
  });

  it('stores once the results that reach an engine twice: killed with jobs in flight, then resumed', async () => {
    const pair = [await startWorker(), await startWorker()];
    const storeDir = freshDataDir();
    try {
      const spacePath = join(storeDir, 'space.json');
      writeFileSync(spacePath, JSON.stringify({ prune: { optional: false, ratio: { values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] }, structure: { values: ['unstructured'] } } }));
      const args = ['search', '--model', 'fashion-mlp', '--device', 'stm32h7', '--budget', '6', '--sampler', 'grid', '--space', spacePath, '--redis', redis.url, '--data-dir', storeDir];
      const { child, reached } = startFrontier(args, (s) => s.includes(': starting'));
      const stderr = await reached;
      const runId = /run (\w+): starting/.exec(stderr)![1]!;
      const seen = (what: 'started' | 'completed') =>
        workers.flatMap((w) => [...w.log().matchAll(new RegExp(`job (${runId}-evaluate-\\w+)${what === 'started' ? ' \\(evaluate\\)' : ''} ${what}`, 'g'))].map((m) => m[1]!));
      // Killed with a third evaluation on a worker: its result arrives while no engine listens.
      await until(() => seen('started').length >= 3);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const resumed = await frontierAsync(['search', '--resume', runId, '--redis', redis.url, '--data-dir', storeDir, '--json']);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(JSON.parse(resumed.stdout).run.status, 'DONE');
      const store = await openStore({ dataDir: storeDir });
      const all = await store.listCandidates({ runId });
      await store.close();
      const done = all.filter((c) => c.status === 'DONE');
      assert.equal(done.length, 6, 'every candidate DONE, none lost or stuck');
      assert.equal(new Set(done.map((c) => c.recipeKey)).size, 6, 'each stored once');
      // The evaluation in flight at the kill was collected from the queue on resume, not run again.
      await until(() => new Set(seen('completed')).size >= 6);
      assert.equal(seen('started').length, 6, 'no evaluation started twice');
      assert.equal(seen('completed').length, 6, 'no evaluation completed twice');
    } finally {
      for (const w of pair) w.child.kill('SIGKILL');
      rmSync(storeDir, { recursive: true, force: true });
    }
  });
});
