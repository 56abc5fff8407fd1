// `serve --redis`: a server's subscribers see the runs of another server through the Redis event
// bus, on a real redis-server and a real SQLite store.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, RedisRunEventBus, RunEvents, type Run, type RunEvent, type Store } from '@frontier/search';
import { redisServerMissing, startRedisServer, type RedisServer } from '@frontier/search/testing';
import { EnginePlatform } from './engine-platform.js';

const run = (id: string, status: Run['status']) => ({ id, status }) as unknown as Run;

describe('EnginePlatform with a Redis event bus', { skip: redisServerMissing(), timeout: 20_000 }, () => {
  let redis: RedisServer;
  let dir: string;
  let store: Store;
  before(async () => {
    redis = await startRedisServer();
    dir = mkdtempSync(join(tmpdir(), 'frontier-platform-'));
    store = await openStore({ dataDir: dir, env: {} });
  });
  after(async () => {
    await store?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers another server\'s run events to this server\'s subscribers, once each, for their run only', async () => {
    const other = await RedisRunEventBus.open({ redisUrl: redis.url });
    const mine = await RedisRunEventBus.open({ redisUrl: redis.url });
    const platform = new EnginePlatform({
      store,
      dataDir: dir,
      version: 'test',
      log: () => {},
      eventBus: mine,
      dispatcherFor: () => {
        throw new Error('no run is started in this test');
      },
    });
    try {
      const seen: RunEvent[] = [];
      const done = new Promise<void>((resolve) =>
        platform.subscribe('r1', (e) => {
          seen.push(e);
          if (e.type === 'runStatus' && e.run.status === 'DONE') resolve();
        }),
      );
      const remote = new RunEvents();
      other.publish(remote);
      remote.emit({ type: 'runStatus', runId: 'r2', run: run('r2', 'RUNNING') });
      remote.emit({ type: 'runStatus', runId: 'r1', run: run('r1', 'RUNNING') });
      remote.emit({ type: 'runStatus', runId: 'r1', run: run('r1', 'DONE') });
      await done;
      assert.deepEqual(
        seen.map((e) => (e.type === 'runStatus' ? `${e.runId}:${e.run.status}` : e.type)),
        ['r1:RUNNING', 'r1:DONE'],
      );
    } finally {
      await other.close();
      await mine.close();
    }
  });
});
