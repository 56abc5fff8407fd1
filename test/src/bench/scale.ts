// `scale`: the queue beyond one machine, measured on this one — candidates per minute of the same
// search with 1 and with 2 `frontier worker` processes (one thread each) through a real
// redis-server, and the queue's overhead per job against the local pool.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { type ChildProcess } from 'node:child_process';
import { SearchService, defineSpace, openSqliteStore, queueDispatcherFor, type Candidate, type SearchServiceOptions } from '@frontier/search';
import { redisServerMissing, startRedisServer } from '@frontier/search/testing';
import { detectHostFacts, deviceCatalogue, findDevice, zooModelPath, type DeviceSpec } from '@frontier/workers';
import { freshDataDir } from '../support/data-dir.js';
import { startFrontier } from '../support/frontier-cli.js';
import type { BenchRecord, BenchSection } from './record.js';

const MODEL = 'fashion-mlp';
const DEVICE = 'stm32h7';
/**
 * A 54-recipe space (each technique optional) walked by the grid sampler in its seeded order, so
 * every run evaluates the same first 16; distillation (0.05 epoch, ≈ 3000 images) in some of them
 * gives those jobs a second or more of work, as real evaluations have (they are longer still).
 */
const SPACE = {
  lowRank: { rankRatio: { values: [0.3, 0.6] } },
  prune: { ratio: { values: [0.3, 0.6] }, structure: { values: ['unstructured'] } },
  distill: { epochs: 0.05 },
  quant: { weightBits: { values: [4, 8] }, activationBits: { values: [32] } },
};
const EVALUATIONS = 16;
/** Worker counts in ABBA order, so that a drift in load from elsewhere weighs on both alike. */
const WORKER_ORDER = [1, 2, 2, 1] as const;
/** Cheap recipes (no fine-tuning) for the overhead runs, where the per-job cost of the path shows. */
const CHEAP_SPACE = {
  prune: { optional: false, ratio: { values: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] }, structure: { values: ['unstructured'] } },
  quant: { optional: false, weightBits: { values: [8] }, activationBits: { values: [32] } },
};
const CHEAP_EVALUATIONS = [4, 8] as const;

interface Outcome {
  readonly candidates: readonly Candidate[];
  readonly wallMs: number;
  /** CPU time of the worker processes over the run (all their threads), when measured. */
  readonly workerCpuMs?: number;
}

/** CPU time a process has used so far, in clock ticks of 10 ms (`/proc/PID/stat` utime + stime; CLK_TCK is 100 on Linux). */
function cpuTicks(child: ChildProcess): number {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  // After the command name: state is field 3, utime 14 and stime 15 (proc(5)).
  return Number(fields[11]) + Number(fields[12]);
}

interface Context {
  readonly modelBytes: Uint8Array;
  readonly device: DeviceSpec;
  readonly datasetDir: string;
}

/** One search on a fresh SQLite store, dispatched as `dispatcherFor` says; timed around `SearchService.start`. */
async function search(ctx: Context, o: { space: object; evaluations: number; dispatcherFor?: SearchServiceOptions['dispatcherFor'] }): Promise<Outcome> {
  const dir = mkdtempSync(join(os.tmpdir(), 'frontier-bench-scale-'));
  const store = await openSqliteStore({ dataDir: dir });
  try {
    const service = new SearchService({ store, dataDir: ctx.datasetDir, threads: 1, ...(o.dispatcherFor ? { dispatcherFor: o.dispatcherFor } : {}) });
    const device = await service.registerDevice(ctx.device);
    const model = await service.registerModel({ name: MODEL, bytes: ctx.modelBytes });
    const created = await service.createRun({
      modelId: model.id,
      deviceId: device.id,
      objectives: ['accuracy', 'deployBytes'],
      constraints: {},
      space: o.space,
      sampler: { kind: 'grid' },
      budget: { evaluations: o.evaluations },
      seed: 3,
    });
    const t0 = performance.now();
    const run = await service.start(created.id);
    const wallMs = performance.now() - t0;
    if (run.status !== 'DONE') throw new Error(`benchmark run ${run.id} ended ${run.status}: ${run.error ?? 'no error recorded'}`);
    return { candidates: await store.listCandidates({ runId: run.id }), wallMs };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const evaluated = (r: Outcome) => r.candidates.filter((c) => c.status === 'DONE' || c.status === 'FAILED');
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const perMinute = (runs: readonly Outcome[]) => sum(runs.map((r) => evaluated(r).length)) / (sum(runs.map((r) => r.wallMs)) / 60_000);

/**
 * Overhead per job with fixed costs (pool start, dataset load, store setup) taken out: the same
 * cheap search run to 4 and to 8 candidates (the grid's first 4 are the same), and the difference
 * of their overheads divided by the 4 extra candidates.
 */
async function marginalOverheadMs(ctx: Context, dispatcherFor: SearchServiceOptions['dispatcherFor']): Promise<number> {
  const runs: Outcome[] = [];
  for (const evaluations of CHEAP_EVALUATIONS) runs.push(await search(ctx, { space: CHEAP_SPACE, evaluations, ...(dispatcherFor ? { dispatcherFor } : {}) }));
  const total = (r: Outcome) => r.wallMs - sum(evaluated(r).map((c) => c.provenance?.timings['totalMs'] ?? 0));
  return (total(runs[1]!) - total(runs[0]!)) / (CHEAP_EVALUATIONS[1] - CHEAP_EVALUATIONS[0]);
}

async function startWorker(redisUrl: string, dataDir: string): Promise<ChildProcess> {
  const { child, reached } = startFrontier(['worker', '--redis', redisUrl, '--threads', '1', '--data-dir', dataDir], (s) => s.includes(' ready on '));
  await reached;
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export const scaleSection: BenchSection = {
  name: 'scale',
  description: 'queue scale-out on fashion-mlp / stm32h7: candidates per minute with 1 and 2 `frontier worker` processes, and the queue\'s overhead per job against the local pool',
  async run() {
    const missing = redisServerMissing();
    if (missing) throw new Error(`the scale section needs a real Redis: ${missing}`);
    const datasetDir = freshDataDir('frontier-bench-scale-data-');
    const redis = await startRedisServer();
    const workers: ChildProcess[] = [];
    try {
      const ctx: Context = { modelBytes: new Uint8Array(readFileSync(zooModelPath(MODEL))), device: findDevice(DEVICE, deviceCatalogue(detectHostFacts())), datasetDir };
      const viaQueue = queueDispatcherFor(redis.url, { reconcileIntervalMs: 1000 });
      workers.push(await startWorker(redis.url, datasetDir), await startWorker(redis.url, datasetDir));
      // Warm-up: each worker loads its dataset and fetches the model once, as a long-lived worker has.
      await search(ctx, { space: CHEAP_SPACE, evaluations: 4, dispatcherFor: viaQueue });
      const runs = new Map<number, Outcome[]>([[1, []], [2, []]]);
      for (const n of WORKER_ORDER) {
        // One worker of the two is paused by stopping it; it is started again for the 2-worker runs.
        if (n === 1 && workers.length === 2) await stop(workers.pop()!);
        if (n === 2 && workers.length === 1) {
          workers.push(await startWorker(redis.url, datasetDir));
          await search(ctx, { space: CHEAP_SPACE, evaluations: 4, dispatcherFor: viaQueue }); // warms the new one
        }
        const ticks0 = workers.map(cpuTicks);
        const outcome = await search(ctx, { space: SPACE, evaluations: EVALUATIONS, dispatcherFor: viaQueue });
        const cpuMs = sum(workers.map((w, i) => cpuTicks(w) - ticks0[i]!)) * 10;
        runs.get(n)!.push({ ...outcome, workerCpuMs: cpuMs });
      }
      const keys = new Set([...runs.values()].flat().map((r) => evaluated(r).map((c) => c.recipeKey).sort().join('\n')));
      if (keys.size !== 1) throw new Error('the runs evaluated different recipes: their rates would not be comparable');
      while (workers.length > 1) await stop(workers.pop()!);
      // ABBA again: queue, local, local, queue; the idle worker waits on Redis meanwhile.
      const overheads = { queue: [] as number[], local: [] as number[] };
      for (const path of ['queue', 'local', 'local', 'queue'] as const) {
        overheads[path].push(await marginalOverheadMs(ctx, path === 'queue' ? viaQueue : undefined));
      }
      return records(runs, overheads);
    } finally {
      for (const w of workers) await stop(w);
      await redis.stop();
      rmSync(datasetDir, { recursive: true, force: true });
    }
  },
};

function records(runs: Map<number, Outcome[]>, overheads: { queue: number[]; local: number[] }): BenchRecord[] {
  const [queueMs, localMs] = [sum(overheads.queue) / overheads.queue.length, sum(overheads.local) / overheads.local.length];
  const each = (ms: number[]) => ms.map((m) => m.toFixed(0)).join(', ');
  const [one, two] = [perMinute(runs.get(1)!), perMinute(runs.get(2)!)];
  const machineCores = os.availableParallelism();
  const walls = (n: number) => runs.get(n)!.map((r) => `${(r.wallMs / 1000).toFixed(1)} s`).join(', ');
  /** Cores the worker processes got on average: their CPU time over the runs' wall time. */
  const cores = (n: number) => (sum(runs.get(n)!.map((r) => r.workerCpuMs ?? 0)) / sum(runs.get(n)!.map((r) => r.wallMs))).toFixed(2);
  const work =
    `${MODEL} on ${DEVICE}, the first ${EVALUATIONS} recipes of the seeded grid order over a ${defineSpace(SPACE).size}-recipe space (distill 0.05 epoch optional), the same in every run, ` +
    `runs in worker order ${WORKER_ORDER.join(',')}, fresh SQLite store each, one local redis-server, workers warm (dataset loaded, model fetched)`;
  const shared = `${machineCores} cores shared with the engine process, redis-server and other work (1-min load average ${os.loadavg()[0]!.toFixed(1)} at the end): noisy`;
  return [
    { name: 'scale.candidates_per_min.1_worker', value: one, unit: 'candidates/min', note: `${work}; runs ${walls(1)}; the worker got ${cores(1)} cores on average` },
    {
      name: 'scale.candidates_per_min.2_workers',
      value: two,
      unit: 'candidates/min',
      against: { name: '1 worker', value: one, unit: 'candidates/min' },
      ratio: two / one,
      ratioMeaning: '2-worker / 1-worker rate (goal ≥ 1.8 on 2 free cores)',
      note: `2 worker processes of 1 thread each; runs ${walls(2)}; the workers got ${cores(2)} cores on average together (vs ${cores(1)} for one: the ceiling of the ratio here); ${shared}`,
    },
    {
      name: 'scale.queue_overhead_per_job',
      value: queueMs - localMs,
      unit: 'ms',
      against: { name: 'local pool overhead per job', value: localMs, unit: 'ms' },
      note:
        `cheap recipes (prune + 8-bit weights, no fine-tuning) one at a time, 1 warm worker process of 1 thread vs the local pool of 1 thread; ` +
        `overhead = wall − Σ worker totalMs (dispatch, transport of model and artifact, storage, the engine's own work, test-split evaluations of front members), ` +
        `per extra candidate between runs of ${CHEAP_EVALUATIONS.join(' and ')} candidates, so fixed costs cancel; means of 2 such pairs per path in ABBA order (queue ${each(overheads.queue)} ms, local ${each(overheads.local)} ms); noisy`,
    },
  ];
}
