import type { RedisOptions } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { SearchError } from '../errors.js';

/** The BullMQ queue every Frontier engine and worker of one Redis shares. */
export const EVALUATION_QUEUE = 'frontier-evaluations';

/**
 * How the queue notices lost work. Production defaults are BullMQ's own (30 s locks, checked every
 * 30 s); tests shorten them so that a killed worker's job comes back in seconds.
 */
export interface QueueTimings {
  /** How long a worker's lock on a job lasts without renewal (BullMQ `lockDuration`). Default 30 000 ms. */
  readonly lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired (BullMQ `stalledInterval`). Default 30 000 ms. */
  readonly stalledIntervalMs?: number;
  /**
   * How many times a job may come back after its worker was lost (BullMQ `maxStalledCount`); one
   * more loss fails it with BullMQ's reason. Default 2: a candidate starts at most 3 times, as a
   * resumed run allows (`requeueInterrupted({ maxAttempts: 3 })`).
   */
  readonly maxStalledCount?: number;
}

/** The defaults of {@link QueueTimings}. */
export const DEFAULT_QUEUE_TIMINGS: Required<QueueTimings> = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 2 };

/**
 * BullMQ's connection options for a `redis://` or `rediss://` URL: commands wait through a
 * disconnection instead of failing (`maxRetriesPerRequest: null`, which BullMQ's workers require),
 * and reconnection is tried every ≤ 2 s so that a restarted Redis is found again soon.
 */
export function redisConnection(url: string): RedisOptions & { url: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SearchError('BAD_ARGUMENT', `the Redis URL must look like redis://host:6379, got "${url}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new SearchError('BAD_ARGUMENT', `the Redis URL must start with redis:// or rediss://, got "${url}"`);
  }
  return { url, maxRetriesPerRequest: null, retryStrategy: reconnectDelay };
}

/** A plain ioredis client on the same terms as {@link redisConnection} (blobs, pub/sub). */
export function openRedis(url: string): Redis {
  redisConnection(url);
  return new Redis(url, { maxRetriesPerRequest: null, retryStrategy: reconnectDelay });
}

function reconnectDelay(times: number): number {
  return Math.min(100 * times, 2000);
}

/** The pub/sub channel on which an engine asks workers to stop a job of a cancelled run. */
export const CANCEL_CHANNEL = 'frontier:cancel-job';

/**
 * A worker's BullMQ name, which Redis lists among the queue's clients: it carries the worker's slot
 * count, so that an engine sizes its in-flight evaluations to the workers connected right now.
 */
export function workerName(options: { readonly host: string; readonly pid: number; readonly slots: number }): string {
  return `${options.host}/${options.pid}/${randomUUID().slice(0, 8)}/slots=${options.slots}`;
}

/** The slot count in a worker's client name (see {@link workerName}); 1 for a worker named otherwise. */
export function slotsOfWorker(clientName: string): number {
  const m = /\/slots=(\d+)$/.exec(clientName);
  return m ? Math.max(1, Number(m[1])) : 1;
}
