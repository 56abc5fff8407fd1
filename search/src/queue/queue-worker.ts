import os from 'node:os';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { WorkerPool, candidateWorkerUrl, type CandidateOutput, type CandidateTask } from '@frontier/workers';
import { DatasetSource } from './dataset-source.js';
import { parseEvaluationJob, type EvaluationJob, type EvaluationResult } from './evaluation-job.js';
import { JobsInHand } from './jobs-in-hand.js';
import { jobFailureReason } from './job-failure.js';
import { ModelSource } from './model-source.js';
import { RedisBlobs } from './redis-blobs.js';
import { runJob } from './run-job.js';
import { CANCEL_CHANNEL, DEFAULT_QUEUE_TIMINGS, EVALUATION_QUEUE, openRedis, redisConnection, workerName, type QueueTimings } from './queue-settings.js';

export interface QueueWorkerOptions {
  readonly redisUrl: string;
  /** Frontier's data folder of this machine: the dataset cache (fetched registered datasets too), and the fetched models (`queue-models/`). */
  readonly dataDir: string;
  /** Where fetched models are kept. Default `<dataDir>/queue-models`. */
  readonly modelCacheDir?: string;
  /** Pool threads. Default the machine's cores. */
  readonly threads?: number;
  /** Jobs taken at once. Default the pool's threads. */
  readonly concurrency?: number;
  /** An API to fetch models from when Redis does not hold them, and registered datasets this machine lacks (see `ModelSource`, `DatasetSource`). */
  readonly apiUrl?: string;
  readonly token?: string;
  readonly timings?: QueueTimings;
  /** Per-evaluation time limit. Default 30 minutes, as the local pool's. */
  readonly taskTimeoutMs?: number;
  /** V8 heap limit per thread. Default 4096 MB, as the local pool's. */
  readonly maxOldGenerationSizeMb?: number;
  /** The pool's worker entry; tests substitute one that misbehaves on purpose. Default Frontier's. */
  readonly workerUrl?: URL;
  /** Where the worker reports jobs and troubles. Default nowhere. */
  readonly log?: (line: string) => void;
}

/** A running `frontier worker`. */
export interface QueueWorker {
  /** Its name among the queue's workers. */
  readonly name: string;
  /** How many models it fetched over the network (each sha256 once). */
  readonly modelFetches: number;
  /** How many registered datasets it downloaded (each once; later jobs and restarts find them on disk). */
  readonly datasetFetches: number;
  /**
   * Stops taking jobs. Without `force` the jobs it holds are finished and answered first; with
   * `force` they are stopped and put back on the queue at once, for another worker to take.
   */
  close(options?: { readonly force?: boolean }): Promise<void>;
}

/**
 * Consumes the evaluation queue: each job is validated, run on this process's own Piscina pool
 * (the same worker entry as the local dispatcher's), and answered through the queue, the compressed
 * model going to Redis by sha256. Needs no store. Resolves once connected to Redis.
 */
export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorker> {
  const connection = redisConnection(o.redisUrl);
  const timings = { ...DEFAULT_QUEUE_TIMINGS, ...o.timings };
  const log = o.log ?? (() => {});
  const pool = new WorkerPool<CandidateTask, CandidateOutput>({
    filename: o.workerUrl ?? candidateWorkerUrl,
    ...(o.threads !== undefined ? { maxThreads: o.threads } : {}),
    taskTimeoutMs: o.taskTimeoutMs ?? 30 * 60_000,
    maxOldGenerationSizeMb: o.maxOldGenerationSizeMb ?? 4096,
  });
  const redis = openRedis(o.redisUrl);
  redis.on('error', (err: Error) => log(`redis: ${err.message}`));
  const blobs = new RedisBlobs(redis);
  const api = { ...(o.apiUrl ? { apiUrl: o.apiUrl } : {}), ...(o.token ? { token: o.token } : {}) };
  const models = new ModelSource({ blobs, cacheDir: o.modelCacheDir ?? join(o.dataDir, 'queue-models'), ...api });
  const datasets = new DatasetSource({ dataDir: o.dataDir, ...api });
  const concurrency = o.concurrency ?? pool.threads;
  const name = workerName({ host: os.hostname(), pid: process.pid, slots: concurrency });
  const hands = new JobsInHand(log);
  const worker = new Worker<unknown, EvaluationResult>(
    EVALUATION_QUEUE,
    hands.track(async (job: Job, signal?: AbortSignal) => {
      let data: EvaluationJob;
      try {
        data = parseEvaluationJob(job.data);
      } catch (err) {
        const code = (err as { code?: string }).code;
        throw new UnrecoverableError(jobFailureReason({ kind: 'threw', message: `invalid job ${job.id}: ${(err as Error).message}`, code }));
      }
      log(`job ${job.id} (${data.kind}) started`);
      return runJob({ data, signal, pool, models, datasets, blobs, dataDir: o.dataDir });
    }),
    {
      connection,
      name,
      concurrency,
      lockDuration: timings.lockDurationMs,
      stalledInterval: timings.stalledIntervalMs,
      maxStalledCount: timings.maxStalledCount,
    },
  );
  worker.on('completed', (job) => log(`job ${job.id} completed`));
  worker.on('failed', (job, err) => log(`job ${job?.id} failed: ${err.message}`));
  worker.on('error', (err) => log(`queue: ${err.message}`));
  const cancels = await listenForCancels(redis, worker, log);
  await worker.waitUntilReady();
  return {
    name,
    get modelFetches() {
      return models.fetches;
    },
    get datasetFetches() {
      return datasets.fetches;
    },
    async close({ force = false } = {}) {
      if (force) await hands.giveBack(worker);
      await worker.close(force);
      cancels.disconnect();
      await pool.close(force);
      redis.disconnect();
    },
  };
}

/** Stops a job of this worker when an engine cancels it (a cancelled run), over pub/sub. */
async function listenForCancels(redis: Redis, worker: Worker, log: (line: string) => void): Promise<Redis> {
  const cancels = redis.duplicate();
  cancels.on('error', () => {}); // reported once, by the main connection
  cancels.on('message', (_channel: string, jobId: string) => {
    if (worker.cancelJob(jobId, 'the run was cancelled')) log(`job ${jobId} cancelled`);
  });
  await cancels.subscribe(CANCEL_CHANNEL);
  return cancels;
}
