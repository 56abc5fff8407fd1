import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RunEvent, RunEvents, RunListener } from '../engine/events.js';
import { openRedis } from './queue-settings.js';

/** The pub/sub channel that carries every run's events between processes. */
export const RUN_EVENTS_CHANNEL = 'frontier:run-events';

const EVENT_TYPES: readonly RunEvent['type'][] = ['candidateStarted', 'candidateFinished', 'frontChanged', 'runStatus'];

interface Envelope {
  readonly origin: string;
  readonly event: RunEvent;
}

/**
 * Run events across processes over Redis pub/sub: every server that runs searches publishes its
 * runs' events, and a subscriber on any server sees them all (the `searchProgress` subscription of
 * several API servers sharing one store). Pub/sub delivers to whoever listens at the moment, which
 * is what progress needs; the store keeps the durable record.
 */
export class RedisRunEventBus {
  /** Tells this process's messages from others'. */
  readonly origin = randomUUID();
  private readonly listeners = new Set<{ listener: RunListener; runId?: string; ownEvents: boolean }>();

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly log: (line: string) => void,
  ) {
    subscriber.on('message', (_channel: string, message: string) => this.deliver(message));
  }

  /** Connects (two connections: one publishes, one listens) and subscribes to the channel. */
  static async open(options: { readonly redisUrl: string; readonly log?: (line: string) => void }): Promise<RedisRunEventBus> {
    const log = options.log ?? (() => {});
    const publisher = openRedis(options.redisUrl);
    const subscriber = publisher.duplicate();
    for (const c of [publisher, subscriber]) c.on('error', (err: Error) => log(`redis (run events): ${err.message}`));
    const bus = new RedisRunEventBus(publisher, subscriber, log);
    // ioredis subscribes again by itself after a reconnection.
    await subscriber.subscribe(RUN_EVENTS_CHANNEL);
    return bus;
  }

  /** Publishes every event `events` emits from now on; returns the function that stops it. */
  publish(events: RunEvents): () => void {
    return events.subscribe((event) => {
      const envelope: Envelope = { origin: this.origin, event };
      this.publisher.publish(RUN_EVENTS_CHANNEL, JSON.stringify(envelope)).catch((err: Error) => this.log(`run event not published: ${err.message}`));
    });
  }

  /**
   * Calls `listener` with the events published on the bus by any process — only one run's with
   * `runId`, and without this process's own with `ownEvents: false` (a server that already listens
   * to its local runs). Returns the function that removes it.
   */
  subscribe(listener: RunListener, options: { readonly runId?: string; readonly ownEvents?: boolean } = {}): () => void {
    const entry = { listener, ownEvents: options.ownEvents ?? true, ...(options.runId !== undefined ? { runId: options.runId } : {}) };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  /** Sends what is still pending (waiting at most 2 s for an unreachable Redis), then disconnects. */
  async close(): Promise<void> {
    this.listeners.clear();
    const quit = Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([quit, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  private deliver(message: string): void {
    let envelope: Envelope;
    try {
      envelope = parseEnvelope(JSON.parse(message));
    } catch (err) {
      this.log(`a malformed run event was dropped: ${(err as Error).message}`);
      return;
    }
    const own = envelope.origin === this.origin;
    for (const { listener, runId, ownEvents } of this.listeners) {
      if ((runId !== undefined && envelope.event.runId !== runId) || (own && !ownEvents)) continue;
      try {
        listener(envelope.event);
      } catch (err) {
        this.log(`a run event listener failed: ${(err as Error).message}`);
      }
    }
  }
}

function parseEnvelope(value: unknown): Envelope {
  const o = value as { origin?: unknown; event?: { type?: unknown; runId?: unknown } } | null;
  if (typeof o?.origin !== 'string') throw new Error(`origin must be a string, got ${JSON.stringify(o?.origin)}`);
  const type = o.event?.type;
  if (!(EVENT_TYPES as readonly unknown[]).includes(type)) throw new Error(`event.type must be one of ${EVENT_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
  if (typeof o.event?.runId !== 'string') throw new Error(`event.runId must be a string, got ${JSON.stringify(o.event?.runId)}`);
  return o as Envelope;
}
