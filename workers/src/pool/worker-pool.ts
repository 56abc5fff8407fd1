import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { WorkersError } from '../errors.js';
import { createStopFlags, STOP_SLOTS } from './cooperative-stop.js';
import type { PoolEnvelope } from './pool-entry.js';
import { isTaskError } from './task-error.js';

/**
 * Why a pooled task did not return a result: the one failure kind of a candidate evaluation,
 * whether it ran on this machine's pool or behind a queue.
 */
export type TaskFailureKind = 'threw' | 'exited' | 'memory' | 'timeout' | 'cancelled';

/**
 * A task that ended without a result; `kind` says how. When the task threw, `code` and `details`
 * are those of the thrown error (a `WorkersError`'s `BAD_RECIPE`, `BAD_DEVICE` …). The pool itself
 * keeps serving.
 */
export class TaskFailure extends Error {
  readonly code: string | undefined;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    readonly kind: TaskFailureKind,
    message: string,
    options: { cause?: unknown; code?: string; details?: Readonly<Record<string, unknown>> } = {},
  ) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = 'TaskFailure';
    this.code = options.code;
    this.details = options.details ?? {};
  }
}

/** Every pool thread loads this entry, which loads the pool's handler (see pool-entry.ts). */
const POOL_ENTRY = new URL('./pool-entry.js', import.meta.url);

export interface WorkerPoolOptions {
  /** The worker entry file (a module whose default export handles one task). */
  readonly filename: string | URL;
  /** Threads; default: the machine's cores (DESIGN.md: one single-threaded ORT session per thread). */
  readonly maxThreads?: number;
  /** Per-task wall-clock limit in ms; a task over it is cancelled and its thread replaced. Default none. */
  readonly taskTimeoutMs?: number;
  /** V8 heap limit per thread in MB; a thread over it is ended and replaced. Default none. */
  readonly maxOldGenerationSizeMb?: number;
  /**
   * How much lower than the pool owner's the threads' scheduling priority is (Unix nice increment,
   * applied by Piscina per thread through @napi-rs/nice). Default {@link POOL_NICE_INCREMENT}.
   */
  readonly niceIncrement?: number;
  /**
   * How long a task asked to stop (cancelled or out of time) has to stop by itself before its thread
   * is ended. Default {@link DEFAULT_STOP_GRACE_MS}.
   */
  readonly stopGraceMs?: number;
}

/** One onnxruntime call of a candidate evaluation (a batch, a training step) takes well under this. */
export const DEFAULT_STOP_GRACE_MS = 2000;

/**
 * Pool threads run at nice +10 by default: evaluations keep every core the machine can spare, but
 * the thread that owns the pool — a server answering queries and subscriptions, a queue worker
 * renewing its job locks, a CLI drawing progress — is scheduled first whenever it has work, so a
 * search running on every core does not delay it. (Linux CFS weighs nice 0 against nice 10 about
 * 1024 to 110, see the kernel's sched_prio_to_weight table.)
 */
export const POOL_NICE_INCREMENT = 10;

export interface RunTaskOptions {
  readonly signal?: AbortSignal;
  /** Buffers moved (not copied) to the worker thread. */
  readonly transferList?: readonly ArrayBuffer[];
}

/**
 * A Piscina pool with Frontier's failure semantics: whatever a task does — throw, end its thread,
 * exceed its memory or time, be cancelled — `run` rejects with a `TaskFailure` naming what
 * happened, and the next task runs on a healthy thread.
 */
export class WorkerPool<TTask, TResult> {
  private readonly piscina: Piscina<PoolEnvelope, TResult>;
  private readonly timeoutMs: number | undefined;
  private readonly stopGraceMs: number;
  /** Shared with the threads: a task's slot is set when it should stop (see cooperative-stop.ts). */
  private readonly stopFlags = createStopFlags();
  private readonly freeSlots = Array.from({ length: STOP_SLOTS }, (_, i) => STOP_SLOTS - 1 - i);

  constructor(options: WorkerPoolOptions) {
    const maxThreads = options.maxThreads ?? os.availableParallelism();
    if (!Number.isInteger(maxThreads) || maxThreads < 1) {
      throw new WorkersError('BAD_ARGUMENT', `maxThreads must be a positive integer, got ${maxThreads}`);
    }
    this.timeoutMs = options.taskTimeoutMs;
    this.stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    this.piscina = new Piscina<PoolEnvelope, TResult>({
      filename: POOL_ENTRY.href,
      workerData: { handler: options.filename instanceof URL ? options.filename.href : pathToFileURL(options.filename).href, stopFlags: this.stopFlags },
      maxThreads,
      minThreads: Math.min(1, maxThreads),
      // Idle threads stay: each keeps its loaded model, dataset and ORT state warm.
      idleTimeout: 60_000,
      niceIncrement: options.niceIncrement ?? POOL_NICE_INCREMENT,
      ...(options.maxOldGenerationSizeMb !== undefined
        ? { resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb } }
        : {}),
    });
  }

  /** Threads the pool runs at most. */
  get threads(): number {
    return this.piscina.options.maxThreads;
  }

  /**
   * Runs one task; rejects with `TaskFailure` when it yields no result. A task cancelled (by
   * `options.signal`) or out of time is first asked to stop at its next onnxruntime call (see
   * cooperative-stop.ts); its thread is ended only if it has not stopped `stopGraceMs` later.
   */
  async run(task: TTask, options: RunTaskOptions = {}): Promise<TResult> {
    const controller = new AbortController();
    const slot = this.freeSlots.pop();
    if (slot !== undefined) Atomics.store(this.stopFlags, slot, 0);
    let graceTimer: NodeJS.Timeout | undefined;
    const stop = (reason?: unknown) => {
      if (slot === undefined) return controller.abort(reason);
      Atomics.store(this.stopFlags, slot, 1);
      graceTimer ??= setTimeout(() => controller.abort(reason), this.stopGraceMs);
    };
    const onAbort = () => stop(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) controller.abort(options.signal.reason);
    let timedOut = false;
    const timer =
      this.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            stop();
          }, this.timeoutMs)
        : undefined;
    let result: TResult;
    const cancelled = () => options.signal?.aborted ?? false;
    try {
      const envelope: PoolEnvelope = { task, ...(slot !== undefined ? { slot } : {}) };
      result = await this.piscina.run(envelope, {
        signal: controller.signal,
        ...(options.transferList ? { transferList: [...options.transferList] } : {}),
      });
    } catch (err) {
      throw classify(err, { timedOut, timeoutMs: this.timeoutMs, cancelled: cancelled() });
    } finally {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      if (slot !== undefined) this.freeSlots.push(slot);
    }
    if (isTaskError(result)) {
      const e = result.frontierTaskError;
      // A task that stopped when asked ends as a pool-ended one would have.
      if (e.code === 'CANCELLED' && (timedOut || cancelled())) throw classify(new Error(e.message), { timedOut, timeoutMs: this.timeoutMs, cancelled: cancelled() });
      throw new TaskFailure('threw', e.message, { ...(e.code !== undefined ? { code: e.code } : {}), ...(e.details ? { details: e.details } : {}) });
    }
    return result;
  }

  /** Stops the threads; running tasks are allowed to finish (or are ended when `force`). */
  async close(force = false): Promise<void> {
    if (force) await this.piscina.destroy();
    else await this.piscina.close();
  }
}

/**
 * What a rejection of Piscina's `run` means. A task's own errors never reject (the pool entry returns
 * them as data), so a rejection is the pool's: our abort (time limit or caller), the heap limit, or
 * the thread's end.
 */
function classify(err: unknown, ctx: { timedOut: boolean; timeoutMs: number | undefined; cancelled: boolean }): TaskFailure {
  const e = err as { name?: string; code?: string; message?: string };
  const message = e?.message ?? String(err);
  if (ctx.timedOut) return new TaskFailure('timeout', `the task exceeded its time limit of ${ctx.timeoutMs} ms`, { cause: err });
  if (ctx.cancelled || e?.name === 'AbortError') return new TaskFailure('cancelled', 'the task was cancelled', { cause: err });
  if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new TaskFailure('memory', `the task exceeded its memory limit (${message})`, { cause: err });
  }
  return new TaskFailure('exited', `the worker thread ended during the task (${message})`, { cause: err });
}
