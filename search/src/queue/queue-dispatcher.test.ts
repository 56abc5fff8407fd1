// The queue dispatcher against a real redis-server, with a real `frontier worker` consumer in this
// process (its own Piscina pool, real kernels and onnxruntime-node on fashion-mlp).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { detectHostFacts, deviceCatalogue, findDevice, loadFashionMnistImages, zooModelPath } from '@frontier/workers';
import { DispatchFailure } from '../engine/dispatcher.js';
import { sha256Hex } from '../store/artifact-files.js';
import { redisServerMissing, startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { QueueDispatcher, type QueueDispatcherOptions } from './queue-dispatcher.js';
import { EVALUATION_QUEUE, redisConnection } from './queue-settings.js';
import { startQueueWorker, type QueueWorker } from './queue-worker.js';

const missing = redisServerMissing();
/** The dataset cache shared by the tests of this machine (built once). */
const dataDir = join(tmpdir(), 'frontier-test-datasets');
const bytes = readFileSync(zooModelPath('fashion-mlp'));
const model = { sha256: sha256Hex(bytes), bytes };
const device = findDevice('stm32h7', deviceCatalogue(detectHostFacts()));
const cheap = (ratio: number) => ({ prune: { ratio, structure: 'unstructured' as const }, quant: { weightBits: 8 as const, activationBits: 32 as const, granularity: 'per-channel' as const, symmetric: true } });

describe('QueueDispatcher with a queue worker', { skip: missing }, () => {
  let redis: RedisServer;
  const lines: string[] = [];
  let worker: QueueWorker;
  const modelCacheDir = mkdtempSync(join(tmpdir(), 'frontier-queue-models-'));
  const open = (o: Partial<QueueDispatcherOptions> = {}) =>
    QueueDispatcher.open({ redisUrl: redis.url, model, dataset: 'fashion-mnist', device, reconcileIntervalMs: 300, ...o });

  before(async () => {
    loadFashionMnistImages({ dataDir });
    redis = await startRedisServer();
  });
  after(async () => {
    await worker?.close();
    await redis?.stop();
    rmSync(modelCacheDir, { recursive: true, force: true });
  });

  it('sends candidates to the worker and gets their results, the model fetched once', async () => {
    worker = await startQueueWorker({ redisUrl: redis.url, dataDir, modelCacheDir, threads: 1, concurrency: 2, log: (l) => lines.push(l) });
    const d = await open();
    try {
      assert.equal(d.capacity, 2, 'the capacity follows the connected workers\' slots');
      const [a, b] = await Promise.all([d.evaluate(cheap(0.3), { seed: 1 }), d.evaluate(cheap(0.6), { seed: 2 })]);
      for (const o of [a, b]) {
        assert.ok(o.metrics.accuracy.val > 0.5 && o.metrics.accuracy.val <= 1, `val accuracy ${o.metrics.accuracy.val}`);
        assert.equal(o.metrics.modelBytes, o.artifact.byteLength);
        assert.equal(o.provenance.modelSha256, model.sha256);
      }
      assert.ok(b.metrics.nonzeroParams < a.metrics.nonzeroParams, 'the harder prune keeps fewer weights');
      assert.equal(worker.modelFetches, 1);
      const test = await d.evaluateTest(a.artifact, {});
      assert.ok(test > 0.5 && test <= 1, `test accuracy ${test}`);
    } finally {
      await d.close();
    }
  });

  it('runs an evaluation asked twice once and hands its result to both', async () => {
    const d = await open({ scope: 'twice' });
    try {
      const before = lines.filter((l) => l.endsWith('completed')).length;
      const [a, b] = await Promise.all([d.evaluate(cheap(0.5), { seed: 9 }), d.evaluate(cheap(0.5), { seed: 9 })]);
      assert.deepEqual(a.metrics, b.metrics);
      // Asked again after it finished: BullMQ keeps the job, so the same result comes back without work.
      const c = await d.evaluate(cheap(0.5), { seed: 9 });
      assert.equal(sha256Hex(c.artifact), sha256Hex(a.artifact));
      assert.equal(lines.filter((l) => l.endsWith('completed')).length - before, 1, 'one job ran');
    } finally {
      await d.close();
    }
  });

  it('fails a malformed job on entry with a reason naming the bad field', async () => {
    const queue = new Queue(EVALUATION_QUEUE, { connection: redisConnection(redis.url) });
    try {
      const job = await queue.add('evaluate', { kind: 'evaluate', modelSha256: model.sha256, recipe: cheap(0.5), dataset: 'fashion-mnist', device, seed: -1 }, { jobId: 'bad-seed' });
      for (let i = 0; i < 100 && !(await job.isFailed()); i++) await new Promise((r) => setTimeout(r, 50));
      const failed = await queue.getJob('bad-seed');
      assert.match(failed!.failedReason, /^threw \(BAD_ARGUMENT\): invalid job bad-seed: job\.seed must be an integer in \[0, 2\^32\), got -1$/);
      assert.equal(failed!.attemptsMade, 1, 'not retried');
    } finally {
      await queue.close();
    }
  });

  it('stops a job a worker is running when its run is cancelled', async () => {
    const d = await open({ scope: 'stop' });
    const queue = new Queue(EVALUATION_QUEUE, { connection: redisConnection(redis.url) });
    try {
      const controller = new AbortController();
      const slow = { ...cheap(0.2), distill: { temperature: 4, alpha: 0.5, epochs: 0.5, layers: 'all' as const } };
      const evaluation = d.evaluate(slow, { seed: 5, signal: controller.signal });
      evaluation.catch(() => {});
      const started = lines.length;
      while (!lines.slice(started).some((l) => l.endsWith('started'))) await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      await assert.rejects(evaluation, (err: unknown) => err instanceof DispatchFailure && err.kind === 'cancelled');
      while (!lines.slice(started).some((l) => / failed: /.test(l))) await new Promise((r) => setTimeout(r, 10));
      assert.ok(lines.some((l) => /^job stop-\S+ cancelled$/.test(l)), 'the worker was told');
      const failed = (await queue.getFailed()).filter((j) => j.id!.startsWith('stop-'));
      assert.equal(failed.length, 1);
      assert.match(failed[0]!.failedReason, /^cancelled: /);
    } finally {
      await queue.close();
      await d.close();
    }
  });

  it('removes the queued jobs of a cancelled run', async () => {
    await worker.close();
    const notes: string[] = [];
    const d = await open({ scope: 'cancel', log: (l) => notes.push(l) });
    assert.match(notes.join('\n'), /no frontier worker is connected to this Redis yet: evaluations wait in the queue until one is/);
    const queue = new Queue(EVALUATION_QUEUE, { connection: redisConnection(redis.url) });
    try {
      const controller = new AbortController();
      const pending = [0.1, 0.2, 0.3].map((r, i) => d.evaluate(cheap(r), { seed: i, signal: controller.signal }));
      for (let i = 0; i < 100 && (await queue.getWaitingCount()) < 3; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await queue.getWaitingCount(), 3);
      controller.abort();
      for (const p of pending) {
        await assert.rejects(p, (err: unknown) => err instanceof DispatchFailure && err.kind === 'cancelled');
      }
      for (let i = 0; i < 100 && (await queue.getWaitingCount()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await queue.getWaitingCount(), 0, 'no job of the run is left queued');
    } finally {
      await queue.close();
      await d.close();
    }
  });

  it('enqueues again a job that a restarted Redis lost, and the evaluation completes', async () => {
    const d = await open({ scope: 'restart' });
    try {
      const evaluation = d.evaluate(cheap(0.45), { seed: 3 });
      await new Promise((r) => setTimeout(r, 300));
      await redis.restart({ downMs: 500 });
      worker = await startQueueWorker({ redisUrl: redis.url, dataDir, modelCacheDir, threads: 1, log: (l) => lines.push(l) });
      const outcome = await evaluation;
      assert.ok(outcome.metrics.accuracy.val > 0.5);
    } finally {
      await d.close();
    }
  });
});
