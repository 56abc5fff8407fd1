import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../main.js';
import { captureIo } from '../capture-io.js';

describe('frontier worker and search --redis: bad usage', () => {
  const saved = process.env['FRONTIER_REDIS_URL'];
  afterEach(() => {
    if (saved === undefined) delete process.env['FRONTIER_REDIS_URL'];
    else process.env['FRONTIER_REDIS_URL'] = saved;
  });

  const cases: [string, readonly string[], string | undefined, RegExp][] = [
    ['a worker without Redis', ['worker'], undefined, /--redis <url> \(or FRONTIER_REDIS_URL\) is required/],
    ['a Redis URL of another scheme', ['worker', '--redis', 'http://127.0.0.1:6379'], undefined, /--redis must start with redis:\/\/ or rediss:\/\/, got "http:\/\/127.0.0.1:6379"/],
    ['a Redis URL that is no URL', ['worker', '--redis', 'localhost'], undefined, /--redis must be a URL like redis:\/\/host:6379, got "localhost"/],
    ['a bad FRONTIER_REDIS_URL', ['worker'], 'cache:6379', /FRONTIER_REDIS_URL must start with redis:\/\/ or rediss:\/\/, got "cache:6379"/],
    ['zero threads', ['worker', '--redis', 'redis://127.0.0.1:1', '--threads', '0'], undefined, /--threads must be a positive integer, got "0"/],
    ['a search with both --redis and --workers', ['search', '--redis', 'redis://127.0.0.1:1', '--workers', '2', '--model', 'fashion-mlp', '--device', 'host'], undefined, /--workers sets local threads; with --redis the workers are `frontier worker` processes/],
  ];
  for (const [what, argv, env, message] of cases) {
    it(`exits 2 for ${what}, naming the problem`, async () => {
      if (env === undefined) delete process.env['FRONTIER_REDIS_URL'];
      else process.env['FRONTIER_REDIS_URL'] = env;
      const io = captureIo();
      assert.equal(await main(argv, io), 2, io.stderr);
      assert.match(io.stderr, message);
    });
  }
});
