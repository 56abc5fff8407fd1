// Run events across two Redis connections (as two processes would hold them), on a real redis-server.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RunEvents, type RunEvent } from '../engine/events.js';
import type { Run } from '../store/types.js';
import { redisServerMissing, startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { openRedis } from './queue-settings.js';
import { RUN_EVENTS_CHANNEL, RedisRunEventBus } from './redis-run-events.js';

const run = (id: string, status: Run['status']) => ({ id, status }) as unknown as Run;

describe('RedisRunEventBus', { skip: redisServerMissing() }, () => {
  let redis: RedisServer;
  before(async () => (redis = await startRedisServer()));
  after(async () => redis?.stop());

  it('delivers one server\'s run events to a subscriber on another connection, filtered by run', async () => {
    const logs: string[] = [];
    const a = await RedisRunEventBus.open({ redisUrl: redis.url });
    const b = await RedisRunEventBus.open({ redisUrl: redis.url, log: (l) => logs.push(l) });
    try {
      const seen: RunEvent[] = [];
      const all: RunEvent[] = [];
      const got = new Promise<void>((resolve) =>
        b.subscribe(
          (e) => {
            seen.push(e);
            if (e.type === 'runStatus' && e.run.status === 'DONE') resolve();
          },
          { runId: 'r1' },
        ),
      );
      b.subscribe((e) => all.push(e), { ownEvents: false });
      const local = new RunEvents();
      const stop = a.publish(local);
      local.emit({ type: 'runStatus', runId: 'r2', run: run('r2', 'RUNNING') });
      local.emit({ type: 'runStatus', runId: 'r1', run: run('r1', 'RUNNING') });
      // A malformed message from elsewhere is dropped with a note, and the bus goes on.
      const raw = openRedis(redis.url);
      await raw.publish(RUN_EVENTS_CHANNEL, JSON.stringify({ origin: 'x', event: { type: 'boom', runId: 'r1' } }));
      raw.disconnect();
      local.emit({ type: 'runStatus', runId: 'r1', run: run('r1', 'DONE') });
      await got;
      stop();
      assert.deepEqual(seen.map((e) => (e.type === 'runStatus' ? `${e.runId} ${e.run.status}` : e.type)), ['r1 RUNNING', 'r1 DONE']);
      assert.equal(all.length, 3, 'every run\'s events reach an unfiltered subscriber of another process');
      assert.match(logs.join('\n'), /a malformed run event was dropped: event\.type must be one of candidateStarted, candidateFinished, frontChanged, runStatus, got "boom"/);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
