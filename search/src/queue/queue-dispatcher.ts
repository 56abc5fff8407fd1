import { Queue, QueueEvents, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DeviceSpec, EvaluateTask, PoolDataset, Recipe } from '@frontier/workers';
import { DispatchFailure, type Dispatcher, type EvaluationOutcome } from '../engine/dispatcher.js';
import { evaluationJobId, parseEvaluationResult, type EvaluationJob, type EvaluationResult } from './evaluation-job.js';
import { failureOfJob } from './job-failure.js';
import { RedisBlobs } from './redis-blobs.js';
import { CANCEL_CHANNEL, EVALUATION_QUEUE, openRedis, redisConnection, slotsOfWorker } from './queue-settings.js';

export interface QueueDispatcherOptions {
  /** The Redis that the queue lives in (`redis://host:6379`). */
  readonly redisUrl: string;
  readonly model: { readonly sha256: string; readonly bytes: Uint8Array };
  readonly dataset: PoolDataset;
  readonly device: DeviceSpec;
  /** Host latency measurement: single-image runs. */
  readonly latency?: EvaluateTask['latency'];
  /** Scopes job ids (the run's id), so that two runs never share a job. */
  readonly scope?: string;
  /** Evaluations in flight at once. Default: the slots of the workers connected now, at least 1, followed as they come and go. */
  readonly capacity?: number;
  /**
   * How often in-flight jobs are looked up in Redis: a job that Redis lost (a restart without
   * persistence) is enqueued again, one that finished while its event was missed is collected, and
   * the worker slots are counted again. Default 10 000 ms.
   */
  readonly reconcileIntervalMs?: number;
  /** Where connection troubles are reported (they are retried, never fatal). Default nowhere. */
  readonly log?: (line: string) => void;
  /** Whether the model's bytes are put in Redis for the workers (else they fetch them from the API). Default true. */
  readonly shareModel?: boolean;
}

interface Waiter {
  readonly job: EvaluationJob;
  readonly resolve: (result: EvaluationResult) => void;
  readonly reject: (failure: DispatchFailure) => void;
}

/** Finished jobs stay an hour, so that an engine that restarts and asks again gets the same job's result. */
const KEEP_FINISHED: JobsOptions['removeOnComplete'] = { age: 3600 };

/**
 * The dispatcher beyond one machine: each evaluation is a BullMQ job on the shared queue, taken by
 * any `frontier worker`; its result comes back through the queue (the job's return value, announced
 * by QueueEvents) and the compressed model through Redis. The engine stays the single writer of
 * the store. Worker loss is BullMQ's business (stalled jobs come back, up to `maxStalledCount`);
 * this class only waits, and re-enqueues a job that Redis itself lost.
 */
export class QueueDispatcher implements Dispatcher {
  private readonly redis: Redis;
  private readonly blobs: RedisBlobs;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly timer: NodeJS.Timeout;
  private slots = 1;

  private constructor(private readonly o: QueueDispatcherOptions) {
    const connection = redisConnection(o.redisUrl);
    this.redis = openRedis(o.redisUrl);
    this.blobs = new RedisBlobs(this.redis);
    this.queue = new Queue(EVALUATION_QUEUE, { connection });
    this.events = new QueueEvents(EVALUATION_QUEUE, { connection });
    const log = o.log ?? (() => {});
    let down = false;
    const onError = (err: Error) => {
      if (!down) log(`redis: ${err.message}; reconnecting`);
      down = true;
    };
    this.redis.on('error', onError);
    this.redis.on('ready', () => {
      if (down) log('redis: connected again');
      down = false;
    });
    this.queue.on('error', onError);
    this.events.on('error', onError);
    this.events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, { returnvalue }));
    this.events.on('failed', ({ jobId, failedReason }) => this.settle(jobId, { failedReason }));
    this.timer = setInterval(() => void this.reconcile().catch(() => {}), o.reconcileIntervalMs ?? 10_000);
  }

  /** Connects to Redis, shares the model's bytes and counts the connected workers' slots. */
  static async open(options: QueueDispatcherOptions): Promise<QueueDispatcher> {
    const d = new QueueDispatcher(options);
    try {
      await Promise.all([d.queue.waitUntilReady(), d.events.waitUntilReady()]);
      if (options.shareModel !== false) await d.blobs.put(options.model.bytes);
      if ((await d.countSlots()) === 0) {
        options.log?.(`no frontier worker is connected to this Redis yet: evaluations wait in the queue until one is (frontier worker --redis ${options.redisUrl})`);
      }
      return d;
    } catch (err) {
      await d.close();
      throw err;
    }
  }

  get capacity(): number {
    return this.o.capacity ?? this.slots;
  }

  async evaluate(recipe: Recipe, { seed, signal }: { seed: number; signal?: AbortSignal }): Promise<EvaluationOutcome> {
    const o = this.o;
    const job: EvaluationJob = {
      kind: 'evaluate',
      modelSha256: o.model.sha256,
      recipe,
      dataset: o.dataset,
      device: o.device,
      seed,
      ...(o.latency ? { latency: o.latency } : {}),
    };
    const result = await this.run(job, signal);
    if (result.kind !== 'evaluate') throw new DispatchFailure('threw', `the worker answered a ${result.kind} job`);
    const artifact = await this.blobs.get(result.artifactSha256).catch((err: Error) => {
      throw new DispatchFailure('threw', err.message);
    });
    if (!artifact) throw new DispatchFailure('threw', `the compressed model ${result.artifactSha256} is no longer in Redis`);
    return { metrics: result.metrics, artifact, provenance: result.provenance };
  }

  async evaluateTest(artifact: Uint8Array, { signal }: { signal?: AbortSignal }): Promise<number> {
    const artifactSha256 = await this.blobs.put(artifact).catch((err: Error) => {
      throw new DispatchFailure('threw', `the compressed model could not be put in Redis: ${err.message}`);
    });
    const result = await this.run({ kind: 'test', artifactSha256, dataset: this.o.dataset }, signal);
    if (result.kind !== 'test') throw new DispatchFailure('threw', `the worker answered a ${result.kind} job`);
    return result.accuracy;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const [id, list] of this.waiters) {
      this.waiters.delete(id);
      for (const w of list) w.reject(new DispatchFailure('cancelled', 'the dispatcher was closed'));
    }
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    this.redis.disconnect();
  }

  /** Enqueues `job` (once per id) and waits for its result; an abort removes it or stops it. */
  private async run(job: EvaluationJob, signal: AbortSignal | undefined): Promise<EvaluationResult> {
    if (signal?.aborted) throw new DispatchFailure('cancelled', 'the evaluation was cancelled');
    try {
      return await this.enqueueAndWait(job, signal);
    } catch (err) {
      // The port's contract: nothing but a DispatchFailure leaves `evaluate`.
      if (err instanceof DispatchFailure) throw err;
      throw new DispatchFailure('threw', `the queue failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async enqueueAndWait(job: EvaluationJob, signal: AbortSignal | undefined): Promise<EvaluationResult> {
    const id = this.jobId(job);
    const done = new Promise<EvaluationResult>((resolve, reject) => {
      const list = this.waiters.get(id) ?? [];
      list.push({ job, resolve, reject });
      this.waiters.set(id, list);
    });
    // Settled by `cancel` or `close` perhaps before it is awaited below: handled from the start.
    done.catch(() => {});
    const onAbort = () => void this.cancel(id);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.enqueue(id, job);
      if (signal?.aborted) await this.cancel(id);
      // A job that had finished already (the same evaluation asked again) announces nothing new.
      await this.collect(id);
      return await done;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private jobId(job: EvaluationJob): string {
    const id = evaluationJobId(job);
    return this.o.scope && job.kind === 'evaluate' ? `${this.o.scope}-${id}` : id;
  }

  private async enqueue(id: string, job: EvaluationJob): Promise<void> {
    // attempts 1: a failure inside an evaluation is deterministic; only a lost worker is worth a retry, and stalled-job recovery does that.
    await this.queue.add(job.kind, job, { jobId: id, attempts: 1, removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FINISHED });
  }

  /** Settles the waiters of a job that has finished, from its stored state. */
  private async collect(id: string): Promise<void> {
    const state = await this.queue.getJobState(id);
    if (state === 'completed' || state === 'failed') {
      const j = await this.queue.getJob(id);
      if (j) this.settle(id, state === 'completed' ? { returnvalue: j.returnvalue } : { failedReason: j.failedReason });
    }
  }

  /** Hands a finished job's outcome to its waiters, once: later deliveries find nobody waiting. */
  private settle(id: string, outcome: { returnvalue?: unknown; failedReason?: string }): void {
    const list = this.waiters.get(id);
    if (!list) return;
    this.waiters.delete(id);
    for (const w of list) {
      if (outcome.failedReason !== undefined) {
        w.reject(failureOfJob(outcome.failedReason));
        continue;
      }
      try {
        w.resolve(parseEvaluationResult(outcome.returnvalue, w.job));
      } catch (err) {
        w.reject(new DispatchFailure('threw', `a worker returned a malformed result: ${(err as Error).message}`));
      }
    }
  }

  /** Removes a waiting job; a job already on a worker is asked to stop (pub/sub) and fails as cancelled. */
  private async cancel(id: string): Promise<void> {
    const list = this.waiters.get(id);
    this.waiters.delete(id);
    for (const w of list ?? []) w.reject(new DispatchFailure('cancelled', 'the evaluation was cancelled'));
    try {
      const removed = await this.queue.remove(id);
      if (removed === 0) await this.redis.publish(CANCEL_CHANNEL, id);
    } catch {
      // Locked by a worker: it is running there.
      await this.redis.publish(CANCEL_CHANNEL, id).catch(() => {});
    }
  }

  /** See `reconcileIntervalMs`. */
  private async reconcile(): Promise<void> {
    await this.countSlots();
    // Kept alive for as long as the run goes on, and put back if a restarted Redis lost it.
    if (this.o.shareModel !== false && !(await this.blobs.touch(this.o.model.sha256))) await this.blobs.put(this.o.model.bytes);
    for (const [id, list] of [...this.waiters]) {
      const state = await this.queue.getJobState(id);
      if (state === 'unknown') {
        await this.enqueue(id, list[0]!.job);
      } else {
        await this.collect(id);
      }
    }
  }

  /** Counts the connected workers (BullMQ lists them among Redis's clients) and their slots; returns the workers. */
  private async countSlots(): Promise<number> {
    const workers = await this.queue.getWorkers();
    const names = new Set(workers.map((w) => String(w['rawname'] ?? w['name'])));
    this.slots = Math.max(1, [...names].reduce((sum, n) => sum + slotsOfWorker(n), 0));
    return names.size;
  }
}
