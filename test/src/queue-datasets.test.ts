// A registered dataset on a fresh worker machine: a real API server (SQLite store, tokens, searches
// on the Redis queue) where the dataset is registered, a real redis-server, and queue workers whose
// data folders do not hold it. A worker given --api downloads it once (GET /datasets/<sha256>) and
// keeps it; one without --api fails the candidates with a reason saying what to do; a download
// that is not the dataset is refused and not kept.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTokens } from '@frontier/api';
import { queueDispatcherFor, startQueueWorker, type QueueWorker } from '@frontier/search';
import { redisServerMissing, startRedisServer, type RedisServer } from '@frontier/search/testing';
import { registeredDatasetFile } from '@frontier/workers';
import { writeSyntheticImageFolder } from '@frontier/workers/testing';
import { data, startTestServer, type TestServer } from './support/api-server.js';
import { freshDataDir } from './support/data-dir.js';
import { startFrontier } from './support/frontier-cli.js';

const READ = 'read-token-0123456789';
const WRITE = 'write-token-0123456789';

/**
 * 6 cheap recipes (no fine-tuning), so each evaluation takes well under a second. Each search has a
 * rank ratio of its own: a recipe evaluated by an earlier run would be reused, not sent to a worker.
 */
const space = (rankRatio: number) => ({
  lowRank: { optional: false, rankRatio: { values: [rankRatio] } },
  prune: { optional: false, ratio: { values: [0, 0.4, 0.8] }, structure: { values: ['unstructured'] } },
  quant: { optional: false, weightBits: { values: [4, 8] }, activationBits: { values: [32] } },
});

interface RunResult {
  status: string;
  candidates: { status: string; failure: string | null; accuracy: number | null; reusedFrom: string | null }[];
}

describe('queue workers fetch a registered dataset they lack from the API', { skip: redisServerMissing(), timeout: 300_000 }, () => {
  const root = freshDataDir('frontier-queue-datasets-');
  const dirs: string[] = [];
  const workerDir = () => {
    const d = freshDataDir('frontier-worker-');
    dirs.push(d);
    return d;
  };
  let redis: RedisServer;
  let t: TestServer;
  let dataset: { id: string; sha256: string };
  let modelId: string;
  let seed = 0;

  /** Starts a search on the dataset over GraphQL and waits for its end; returns its candidates. */
  async function search(budget: number, rankRatio: number): Promise<RunResult> {
    const { startSearch } = await data(
      t.url,
      `mutation($m: ID!, $d: ID!, $space: JSON!, $seed: Int!) { startSearch(input: { modelId: $m, deviceId: "stm32h7", datasetId: $d, budget: { evaluations: ${budget} }, sampler: "random", seed: $seed, space: $space }) { id } }`,
      { variables: { m: modelId, d: dataset.id, space: space(rankRatio), seed: ++seed }, token: WRITE },
    );
    for (;;) {
      const { run } = await data(t.url, `query($id: ID!) { run(id: $id) { status candidates(first: 50) { edges { node { status failure accuracy reusedFrom } } } } }`, { variables: { id: startSearch.id }, token: READ });
      if (!['QUEUED', 'RUNNING'].includes(run.status)) {
        return { status: run.status, candidates: run.candidates.edges.map((e: { node: RunResult['candidates'][number] }) => e.node) };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const withWorker = async <T>(options: { dataDir: string; api: boolean }, body: (w: QueueWorker) => Promise<T>): Promise<T> => {
    const w = await startQueueWorker({ redisUrl: redis.url, dataDir: options.dataDir, threads: 1, ...(options.api ? { apiUrl: t.url, token: READ } : {}) });
    try {
      return await body(w);
    } finally {
      await w.close();
    }
  };

  before(async () => {
    redis = await startRedisServer();
    t = await startTestServer({ tokens: parseTokens(`read:${READ},write:${WRITE}`, 'test'), dispatcherFor: queueDispatcherFor(redis.url) });
    // 3 classes × 10 gray 28×28 images: Fashion-MNIST's shape, so the zoo MLP takes them.
    const images = join(root, 'dots');
    await writeSyntheticImageFolder({ root: images, perClass: 10, size: [28, 28] });
    const registered = await data(t.url, `mutation($path: String!) { registerDataset(input: { name: "dots", path: $path, channels: 1, mean: [0.5], std: [0.25] }) { id sha256 } }`, {
      variables: { path: images },
      token: WRITE,
    });
    dataset = registered.registerDataset;
    const { models } = await data(t.url, '{ models { id name } }', { token: READ });
    modelId = models.find((m: { name: string }) => m.name === 'fashion-mlp').id;
  });
  after(async () => {
    await t?.stop();
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('serves the dataset\'s cache file at GET /datasets/<sha256> to a read token, with its length and ETag', async () => {
    const url = `${t.url}/datasets/${dataset.sha256}`;
    const file = readFileSync(registeredDatasetFile(t.dataDir, dataset.sha256));
    const ok = await fetch(url, { headers: { authorization: `Bearer ${READ}` } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-length'), String(file.length));
    assert.equal(ok.headers.get('etag'), `"${dataset.sha256}"`);
    assert.deepEqual(Buffer.from(await ok.arrayBuffer()), file);
    const cached = await fetch(url, { headers: { authorization: `Bearer ${READ}`, 'if-none-match': `"${dataset.sha256}"` } });
    assert.equal(cached.status, 304);
    assert.equal((await fetch(url)).status, 401, 'no token, no dataset');
    const unknown = await fetch(`${t.url}/datasets/${'a'.repeat(64)}`, { headers: { authorization: `Bearer ${READ}` } });
    assert.equal(unknown.status, 404);
    assert.match(JSON.stringify(await unknown.json()), /no registered dataset has the provenance hash a{64}/);
    const bad = await fetch(`${t.url}/datasets/not-a-hash`, { headers: { authorization: `Bearer ${READ}` } });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(await bad.json()), /a lower-case hex sha256 of 64 digits, got \\"not-a-hash\\"/);
    // Registered in a store this server shares, but on another server: its file is not here.
    const served = registeredDatasetFile(t.dataDir, dataset.sha256);
    renameSync(served, `${served}.away`);
    try {
      const elsewhere = await fetch(url, { headers: { authorization: `Bearer ${READ}` } });
      assert.equal(elsewhere.status, 404);
      assert.match(JSON.stringify(await elsewhere.json()), /dataset dots \([0-9a-f]{64}\) is registered, but its cache file is not on this server/);
    } finally {
      renameSync(`${served}.away`, served);
    }
  });

  it('a worker with --api downloads it once, its candidates complete, and after a restart it is found on disk', async () => {
    const dir = workerDir();
    const cached = registeredDatasetFile(dir, dataset.sha256);
    assert.equal(existsSync(cached), false, 'the worker\'s machine does not have the dataset');
    const first = await withWorker({ dataDir: dir, api: true }, async (w) => {
      const run = await search(3, 0.3);
      assert.equal(w.datasetFetches, 1, 'three evaluations (and the front\'s test pass) downloaded it once');
      return run;
    });
    assert.equal(first.status, 'DONE');
    assert.deepEqual(first.candidates.map((c) => [c.status, c.failure, c.reusedFrom]), [['DONE', null, null], ['DONE', null, null], ['DONE', null, null]]);
    for (const c of first.candidates) assert.ok(c.accuracy! >= 0 && c.accuracy! <= 1);
    assert.deepEqual(readFileSync(cached), readFileSync(registeredDatasetFile(t.dataDir, dataset.sha256)), 'the worker keeps the registered file');
    const second = await withWorker({ dataDir: dir, api: true }, async (w) => {
      const run = await search(2, 0.5);
      assert.equal(w.datasetFetches, 0, 'a restarted worker does not download it again');
      return run;
    });
    assert.deepEqual(second.candidates.map((c) => [c.status, c.reusedFrom]), [['DONE', null], ['DONE', null]]);
  });

  it('a `frontier worker` without --api fails the candidates with a reason naming the dataset and what to do', async () => {
    const dir = workerDir();
    const { child, reached } = startFrontier(['worker', '--redis', redis.url, '--threads', '1', '--data-dir', dir], (s) => s.includes(' ready on '));
    try {
      await reached;
      const run = await search(2, 0.7);
      assert.equal(run.status, 'DONE');
      assert.equal(run.candidates.length, 2);
      for (const c of run.candidates) {
        assert.equal(c.status, 'FAILED');
        assert.match(c.failure!, new RegExp(`^threw: dataset dots \\(${dataset.sha256}\\) is not on this worker's machine .* and the worker has no API to fetch it from: register it here with \`frontier datasets add\` .*or start the worker with --api URL`));
      }
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('refuses a download that does not hash to the dataset: the candidates fail saying so, and nothing is kept', async () => {
    const served = registeredDatasetFile(t.dataDir, dataset.sha256);
    const bytes = readFileSync(served);
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(served, bytes);
    const dir = workerDir();
    const run = await withWorker({ dataDir: dir, api: true }, async (w) => {
      const r = await search(2, 0.9);
      assert.equal(w.datasetFetches, 2, 'each job tried again: a refused download is not kept');
      return r;
    });
    for (const c of run.candidates) {
      assert.equal(c.status, 'FAILED');
      assert.match(c.failure!, new RegExp(`^threw: dataset dots: GET ${t.url}/datasets/${dataset.sha256} sent a file whose provenance hash is [0-9a-f]{64}, not ${dataset.sha256}: refused$`));
    }
    assert.equal(existsSync(registeredDatasetFile(dir, dataset.sha256)), false);
  });
});
