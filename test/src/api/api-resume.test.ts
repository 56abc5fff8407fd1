// Stopping and restarting the server: SIGTERM to `frontier serve` during a search exits 0 and leaves
// the run resumable; a server started on the same data folder resumes it to the end.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { once } from 'node:events';
import { openStore } from '@frontier/search';
import { collect, data, startTestServer, wsClient } from '../support/api-server.js';
import { freshDataDir } from '../support/data-dir.js';
import { startFrontier } from '../support/frontier-cli.js';

interface Progress {
  searchProgress: { kind: string; run: { status: string; progress: { done: number; failed: number } }; candidate: { status: string } | null };
}
const PROGRESS = 'subscription($r: ID!) { searchProgress(runId: $r) { kind run { status progress { done failed } } candidate { status } } }';

describe('frontier serve: stop and resume', () => {
  const dataDir = freshDataDir('frontier-api-resume-');
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('exits 0 on SIGTERM mid-search, and the next start resumes the run to the end', async () => {
    const { child, reached } = startFrontier(['serve', '--port', '0', '--threads', '2', '--data', dataDir], (s) => /serving http:\S+\/graphql/.test(s));
    const url = /serving (http:\S+)\/graphql/.exec(await reached)![1]!;
    const { models } = await data(url, '{ models { id name } }');
    const mlp = models.find((m: { name: string }) => m.name === 'fashion-mlp').id;
    const { startSearch } = await data(url, `mutation($m: ID!) { startSearch(input: { modelId: $m, deviceId: "stm32h7", budget: { evaluations: 5 },
      sampler: "random", seed: 11, constraints: { maxRamKb: 256 } }) { id } }`, { variables: { m: mlp } });
    const client = wsClient(url);
    try {
      await collect<Progress>(client, PROGRESS, { r: startSearch.id }, (e) => e.searchProgress.candidate?.status === 'DONE');
    } finally {
      await client.dispose();
    }
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.equal(code, 0);

    const store = await openStore({ dataDir, env: {} });
    const stopped = await store.getRun(startSearch.id);
    await store.close();
    assert.equal(stopped.status, 'RUNNING', 'a stop leaves the run to be resumed, not cancelled');
    assert.ok(stopped.progress.done >= 1 && stopped.progress.done < 5);

    const t = await startTestServer({ dataDir });
    try {
      assert.deepEqual(t.server.resumed, [startSearch.id]);
      const client2 = wsClient(t.url);
      try {
        const events = await collect<Progress>(client2, PROGRESS, { r: startSearch.id });
        const last = events.at(-1)!.searchProgress;
        assert.equal(last.run.status, 'DONE');
        assert.equal(last.run.progress.done + last.run.progress.failed, 5);
        assert.ok(last.run.progress.done >= stopped.progress.done, 'nothing found before the stop is lost');
      } finally {
        await client2.dispose();
      }
    } finally {
      await t.stop({ keepData: true });
    }
  });
});
