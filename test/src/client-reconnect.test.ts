// The typed client's subscription survives a server restart: the run continues on the restarted
// server (it resumes interrupted runs), the client reconnects and re-subscribes on its own, and the
// new SNAPSHOT makes its final state the server's — status, counts and front — nothing lost.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, ModelsQuery, RunQuery, StartSearchMutation, watchRun, type ProgressEvent } from '@frontier/client';
import { startTestServer, type TestServer } from './support/api-server.js';

describe('@frontier/client: a subscription across a server restart', () => {
  let t: TestServer | undefined;
  after(async () => {
    await t?.stop();
  });

  it('reconnects, re-subscribes and ends with the full state of the run', async () => {
    const first = await startTestServer();
    t = first;
    const { dataDir } = first;
    const reconnects: number[] = [];
    const client = connect({ url: first.url, retry: { initialWaitMs: 100, maxWaitMs: 1000, attempts: 60 }, onReconnecting: (n) => reconnects.push(n) });
    try {
      const { models } = await client.request(ModelsQuery, {});
      const mlp = models.find((m) => m.name === 'fashion-mlp')!;
      const { startSearch: run } = await client.request(StartSearchMutation, {
        input: { modelId: mlp.id, deviceId: 'stm32h7', budget: { evaluations: 6 }, sampler: 'random', seed: 11, constraints: { maxRamKb: 256 } },
      });
      const events: ProgressEvent[] = [];
      let restarted: Promise<void> | undefined;
      const watched = watchRun(client, run.id, {
        onEvent: (e) => {
          events.push(e);
          // After the first finished candidate: stop the server under the subscription, start another on the same data and port.
          if (!restarted && e.kind === 'CANDIDATE' && e.candidate?.status === 'DONE') {
            restarted = (async () => {
              await first.stop({ keepData: true });
              t = await startTestServer({ dataDir, port: first.server.port });
            })();
          }
        },
      });
      const state = await watched;
      await restarted;
      assert.ok(reconnects.length >= 1, 'the client reconnected');
      assert.ok(state.snapshots >= 2, `a SNAPSHOT after the reconnection (saw ${state.snapshots})`);
      assert.equal(events.filter((e) => e.kind === 'SNAPSHOT').length, state.snapshots);

      const { run: stored } = await client.request(RunQuery, { id: run.id });
      assert.ok(stored);
      assert.equal(state.run.status, 'DONE');
      assert.deepEqual(state.run.progress, stored.progress);
      assert.equal(stored.progress.done + stored.progress.failed, 6);
      assert.ok(state.front);
      assert.equal(state.front.digest, stored.front.digest);
      assert.deepEqual(state.front.members.map((c) => c.id), stored.front.members.map((c) => c.id));
      assert.ok(stored.front.members.length > 0);
    } finally {
      await client.close();
    }
  });
});

