// Models fetched by sha256 from Redis or from an API's /artifacts (a real HTTP server, a real redis-server).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { sha256Hex } from '../store/artifact-files.js';
import { redisServerMissing, startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { ModelSource } from './model-source.js';
import { RedisBlobs } from './redis-blobs.js';
import { openRedis } from './queue-settings.js';

describe('ModelSource', { skip: redisServerMissing() }, () => {
  let redis: RedisServer;
  let client: Redis;
  let http: Server;
  let apiUrl = '';
  const requests: string[] = [];
  const model = new Uint8Array([8, 1, 2, 3, 4, 5]);
  const liar = new Uint8Array([9, 9, 9]);
  const dirs: string[] = [];
  const cacheDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'frontier-models-'));
    dirs.push(d);
    return d;
  };

  before(async () => {
    redis = await startRedisServer();
    client = openRedis(redis.url);
    http = createServer((req, res) => {
      requests.push(`${req.url} ${req.headers.authorization ?? '-'}`);
      if (req.headers.authorization !== 'Bearer r3ad') return void res.writeHead(401).end();
      if (req.url === `/artifacts/${sha256Hex(model)}`) return void res.end(model);
      if (req.url === `/artifacts/${'b'.repeat(64)}`) return void res.end(liar);
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    client?.disconnect();
    await redis?.stop();
    await new Promise((resolve) => http?.close(resolve));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('fetches a model from Redis once, then serves it from memory and from disk', async () => {
    const blobs = new RedisBlobs(client);
    const sha = await blobs.put(model);
    const dir = cacheDir();
    const source = new ModelSource({ blobs, cacheDir: dir });
    const [a, b] = await Promise.all([source.get(sha), source.get(sha)]);
    assert.deepEqual([...a], [...model]);
    assert.equal(b, a);
    assert.equal(source.fetches, 1);
    const again = new ModelSource({ blobs, cacheDir: dir });
    assert.deepEqual([...(await again.get(sha))], [...model]);
    assert.equal(again.fetches, 0, 'a new process finds it on disk');
  });

  it('fetches from the API with the read token when Redis does not hold it, and checks the hash', async () => {
    await client.flushall();
    const source = new ModelSource({ blobs: new RedisBlobs(client), cacheDir: cacheDir(), apiUrl, token: 'r3ad' });
    assert.deepEqual([...(await source.get(sha256Hex(model)))], [...model]);
    assert.ok(requests.includes(`/artifacts/${sha256Hex(model)} Bearer r3ad`));
    await assert.rejects(source.get('b'.repeat(64)), new RegExp(`returned bytes with sha256 ${sha256Hex(liar)}`));
    const wrongToken = new ModelSource({ blobs: new RedisBlobs(client), cacheDir: cacheDir(), apiUrl, token: 'nope' });
    await assert.rejects(wrongToken.get(sha256Hex(model)), /answered 401/);
  });

  it('says where it looked when nobody has the model', async () => {
    const source = new ModelSource({ blobs: new RedisBlobs(client), cacheDir: cacheDir() });
    await assert.rejects(source.get('c'.repeat(64)), /model c{64} is not in Redis and no API URL is configured to fetch it from/);
  });
});
