// Scale-out end to end: `frontier search --redis` on the zoo MLP, evaluated by two `frontier worker`
// processes through a real redis-server; one worker SIGKILLed mid-run; Redis itself restarted
// mid-run (losing everything it held). Each run completes with no candidate lost or stuck.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RedisRunEventBus, openStore, type RunEvent } from '@frontier/search';
import { redisServerMissing, startRedisServer, type RedisServer } from '@frontier/search/testing';
import { freshDataDir } from './support/data-dir.js';
import { startFrontier, type CliResult } from './support/frontier-cli.js';

/** 3 × 3 × 2 = 18 cheap recipes (no fine-tuning), so a run of 8 takes seconds. */
const space = {
  lowRank: { optional: false, rankRatio: { values: [0.3, 0.6, 1] } },
  prune: { optional: false, ratio: { values: [0, 0.4, 0.8] }, structure: { values: ['unstructured'] } },
  quant: { optional: false, weightBits: { values: [4, 8] }, activationBits: { values: [32] } },
};

interface Worker {
  readonly child: ChildProcess;
  log(): string;
}

describe('a search on two frontier worker processes through Redis', { skip: redisServerMissing(), timeout: 300_000 }, () => {
  const dataDir = freshDataDir();
  const workerDir = freshDataDir('frontier-worker-');
  const spacePath = join(dataDir, 'space.json');
  let redis: RedisServer;
  const workers: Worker[] = [];

  /** A worker process with short lock and stalled-check times, so a lost one is noticed in seconds. */
  async function startWorker(): Promise<Worker> {
    const args = ['worker', '--redis', redis.url, '--threads', '1', '--lock-ms', '2000', '--stalled-check-ms', '1000', '--data-dir', workerDir];
    const { child, reached } = startFrontier(args, (s) => s.includes(' ready on '));
    let log = await reached;
    child.stderr.on('data', (chunk: string) => (log += chunk));
    const w = { child, log: () => log };
    workers.push(w);
    return w;
  }

  /** Runs `frontier search` through Redis; `during` acts on the running search. */
  async function search(args: readonly string[], during: (stderr: () => string) => Promise<void> = async () => {}): Promise<CliResult> {
    const { child, reached } = startFrontier(['search', '--redis', redis.url, '--data-dir', dataDir, '--json', ...args], (s) => s.includes(': starting'));
    let stderr = await reached;
    let stdout = '';
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await during(() => stderr);
    const code = await exited;
    return { code, stdout, stderr };
  }

  async function settledCandidates(runId: string) {
    const store = await openStore({ dataDir });
    try {
      const all = await store.listCandidates({ runId });
      const count = (s: string) => all.filter((c) => c.status === s).length;
      return { all, count };
    } finally {
      await store.close();
    }
  }

  before(async () => {
    writeFileSync(spacePath, JSON.stringify(space));
    redis = await startRedisServer();
    await startWorker();
    await startWorker();
  });
  after(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await redis?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workerDir, { recursive: true, force: true });
  });

  it('completes with a front of the same kind as the local pool\'s, its events seen by another process', async () => {
    const bus = await RedisRunEventBus.open({ redisUrl: redis.url });
    const events: RunEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const ramKb = 256;
    const r = await search(['--model', 'fashion-mlp', '--device', 'stm32h7', '--budget', '5', '--max-ram-kb', String(ramKb), '--max-flash-kb', '300', '--sampler', 'random', '--seed', '4']);
    await bus.close();
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.run.status, 'DONE');
    assert.equal(out.run.progress.done + out.run.progress.failed, 5);
    assert.ok(out.front.length > 0, 'some candidate meets the limits');
    for (const c of out.front) {
      assert.ok(c.metrics.peakRamBytes <= ramKb * 1024 && c.metrics.deployBytes <= 300 * 1024);
      assert.equal(c.metrics.latency.source, 'PREDICTED');
      assert.ok(c.metrics.accuracy.val > 0.5);
    }
    const { all } = await settledCandidates(out.run.id);
    const tested = all.filter((c) => c.metrics?.accuracy.test !== undefined);
    assert.ok(tested.length >= 1, 'front members were evaluated on test through the queue');
    for (const w of workers) assert.match(w.log(), /completed/, 'both workers took jobs');
    const finished = events.filter((e) => e.type === 'candidateFinished' && e.runId === out.run.id);
    assert.ok(finished.length >= 5, `the subscriber saw the run's results (${finished.length})`);
    assert.ok(events.some((e) => e.type === 'runStatus' && e.run.status === 'DONE'));
  });

  it('survives a worker SIGKILLed mid-job: the job goes to the other worker, nothing lost or stuck', async () => {
    const victim = workers[0]!;
    const startedBefore = (victim.log().match(/ started/g) ?? []).length;
    const r = await search(['--model', 'fashion-mlp', '--device', 'stm32h7', '--budget', '8', '--sampler', 'grid', '--space', spacePath], async () => {
      while ((victim.log().match(/ started/g) ?? []).length <= startedBefore) await new Promise((res) => setTimeout(res, 20));
      victim.child.kill('SIGKILL');
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.run.status, 'DONE');
    const { count } = await settledCandidates(out.run.id);
    assert.equal(count('RUNNING') + count('PENDING'), 0, 'none stuck');
    assert.equal(count('DONE'), 8, 'the killed worker\'s job was evaluated by the other one');
    assert.match(workers[1]!.log(), /started/);
  });

  it('survives a Redis restart mid-run that loses the queue: jobs are enqueued again and the run completes', async () => {
    await startWorker();
    const r = await search(['--model', 'fashion-mlp', '--device', 'stm32h7', '--budget', '8', '--sampler', 'grid', '--space', spacePath, '--seed', '1'], async (stderr) => {
      while (!/\[2\/8\]/.test(stderr())) await new Promise((res) => setTimeout(res, 20));
      await redis.restart({ downMs: 1000 });
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.run.status, 'DONE');
    const { count } = await settledCandidates(out.run.id);
    assert.equal(count('RUNNING') + count('PENDING'), 0, 'none stuck');
    assert.equal(count('DONE') + count('FAILED'), 8, 'every candidate settled');
    assert.ok(count('DONE') >= 7, `at most a result caught in flight by the restart is lost (${count('DONE')} DONE)`);
    assert.match(r.stderr, /connected again/);
  });
});
