// Registered datasets fetched by provenance hash from an API's /datasets (a real HTTP server serving
// a real dataset cache written by prepareDataset), verified before they are kept.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRegisteredImages, prepareDataset, registeredDatasetFile, type DatasetRef } from '@frontier/workers';
import { writeSyntheticImageFolder } from '@frontier/workers/testing';
import { SearchError } from '../errors.js';
import { DatasetSource } from './dataset-source.js';

describe('DatasetSource', () => {
  const root = mkdtempSync(join(tmpdir(), 'frontier-dataset-source-'));
  const serverDir = join(root, 'server');
  let ref: DatasetRef;
  let cache: Uint8Array;
  let tampered: Uint8Array;
  let http: Server;
  let apiUrl = '';
  const requests: string[] = [];
  let workerDirs = 0;
  const workerDir = () => join(root, `worker-${workerDirs++}`);

  before(async () => {
    await writeSyntheticImageFolder({ root: join(root, 'images'), perClass: 4, size: [8, 8] });
    const p = await prepareDataset({ path: join(root, 'images'), dataDir: serverDir, channels: 1, normalize: { mean: [0.5], std: [0.25] } });
    ref = { sha256: p.sha256, name: 'dots', normalize: { mean: [0.5], std: [0.25] } };
    cache = readFileSync(registeredDatasetFile(serverDir, p.sha256));
    tampered = Uint8Array.from(cache);
    tampered[tampered.length - 1]! ^= 1;
    http = createServer((req, res) => {
      requests.push(`${req.url} ${req.headers.authorization ?? '-'}`);
      if (req.headers.authorization !== 'Bearer r3ad') return void res.writeHead(401).end(JSON.stringify({ errors: [{ message: 'a read token is needed' }] }));
      const send = (bytes: Uint8Array) => void res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
      if (req.url === `/datasets/${ref.sha256}`) return send(cache);
      if (req.url === `/datasets/${'b'.repeat(64)}`) return send(tampered);
      res.writeHead(404).end(JSON.stringify({ errors: [{ message: 'no registered dataset has that hash' }] }));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    await new Promise((resolve) => http?.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it('downloads a missing dataset once with the read token, where the pool loads it; a new process finds it on disk', async () => {
    const dataDir = workerDir();
    const source = new DatasetSource({ dataDir, apiUrl, token: 'r3ad' });
    await Promise.all([source.ensure(ref), source.ensure(ref), source.ensure(ref)]);
    assert.equal(source.fetches, 1, 'jobs arriving together wait for one download');
    assert.deepEqual(requests.filter((r) => r === `/datasets/${ref.sha256} Bearer r3ad`).length, 1);
    assert.deepEqual(readFileSync(registeredDatasetFile(dataDir, ref.sha256)), Buffer.from(cache));
    const images = loadRegisteredImages({ dataDir, ref });
    assert.equal(images.cache.labels.length, 12);
    await source.ensure(ref);
    assert.equal(source.fetches, 1, 'a later job does not download again');
    const restarted = new DatasetSource({ dataDir, apiUrl, token: 'r3ad' });
    await restarted.ensure(ref);
    assert.equal(restarted.fetches, 0, 'a restarted worker finds it on disk');
  });

  it('uses a dataset registered on this machine without asking anyone, and the built-in one as it is', async () => {
    const source = new DatasetSource({ dataDir: serverDir });
    await source.ensure(ref);
    await source.ensure('fashion-mnist');
    assert.equal(source.fetches, 0);
  });

  it('refuses a download that is not the dataset asked for, keeps nothing of it, and tries again on the next job', async () => {
    const dataDir = workerDir();
    const source = new DatasetSource({ dataDir, apiUrl, token: 'r3ad' });
    const liar = { ...ref, sha256: 'b'.repeat(64) };
    const refused = (err: unknown) => {
      assert.ok(err instanceof SearchError);
      assert.equal(err.code, 'DATASET_UNAVAILABLE');
      assert.match(err.message, new RegExp(`^dataset dots: GET ${apiUrl}/datasets/b{64} sent a file whose provenance hash is [0-9a-f]{64}, not b{64}: refused$`));
      return true;
    };
    await assert.rejects(source.ensure(liar), refused);
    assert.deepEqual(readdirSync(join(dataDir, 'datasets', 'registered')), [], 'neither the file nor a temporary one is left');
    await assert.rejects(source.ensure(liar), refused);
    assert.equal(source.fetches, 2, 'a refused download is not remembered as done');
  });

  it('refuses the right bytes under another normalization (the provenance hash covers it)', async () => {
    const source = new DatasetSource({ dataDir: workerDir(), apiUrl, token: 'r3ad' });
    await assert.rejects(source.ensure({ ...ref, normalize: { mean: [0], std: [1] } }), /provenance hash is [0-9a-f]{64}, not [0-9a-f]{64}: refused/);
  });

  it('names the URL and the API\'s message when the API refuses or lacks the dataset', async () => {
    const unknown = { ...ref, sha256: 'c'.repeat(64) };
    await assert.rejects(new DatasetSource({ dataDir: workerDir(), apiUrl, token: 'r3ad' }).ensure(unknown), new RegExp(`GET ${apiUrl}/datasets/c{64} answered 404 Not Found: no registered dataset has that hash`));
    await assert.rejects(new DatasetSource({ dataDir: workerDir(), apiUrl, token: 'nope' }).ensure(ref), /answered 401 Unauthorized: a read token is needed/);
  });

  it('says which dataset is missing and both ways out when the worker has no API', async () => {
    const dataDir = workerDir();
    await assert.rejects(new DatasetSource({ dataDir }).ensure(ref), (err: unknown) => {
      assert.ok(err instanceof SearchError);
      assert.equal(err.code, 'DATASET_UNAVAILABLE');
      assert.match(err.message, new RegExp(`^dataset dots \\(${ref.sha256}\\) is not on this worker's machine \\(no .*${ref.sha256}\\.bin\\) and the worker has no API to fetch it from`));
      assert.match(err.message, /register it here with `frontier datasets add`.*or start the worker with --api URL/);
      return true;
    });
    assert.equal(existsSync(join(dataDir, 'datasets')), false);
  });
});
