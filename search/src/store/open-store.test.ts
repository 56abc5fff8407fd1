import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStore, storeLocation } from './open-store.js';
import { rejectsWith } from '../testing/store-contract-data.js';

describe('openStore', () => {
  it('chooses MongoDB when a URI is given or in MONGODB_URI, else SQLite in FRONTIER_DATA or ./.frontier', () => {
    assert.deepEqual(storeLocation({ env: {} }), { kind: 'sqlite', dataDir: './.frontier' });
    assert.deepEqual(storeLocation({ env: { FRONTIER_DATA: '/srv/frontier', MONGODB_URI: '' } }), { kind: 'sqlite', dataDir: '/srv/frontier' });
    assert.deepEqual(storeLocation({ env: { FRONTIER_DATA: '/srv/frontier' }, dataDir: '/tmp/d' }), { kind: 'sqlite', dataDir: '/tmp/d' });
    assert.deepEqual(storeLocation({ env: { MONGODB_URI: 'mongodb://db:27017' } }), { kind: 'mongodb', uri: 'mongodb://db:27017' });
    assert.deepEqual(storeLocation({ env: { MONGODB_URI: 'mongodb://a' }, mongodbUri: 'mongodb://b' }), { kind: 'mongodb', uri: 'mongodb://b' });
  });

  it('opens the SQLite store in the data folder', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'frontier-open-'));
    try {
      const store = await openStore({ dataDir, env: {} });
      assert.equal(store.kind, 'sqlite');
      assert.ok(existsSync(join(dataDir, 'frontier.db')));
      await store.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('reports an unreachable MONGODB_URI as UNAVAILABLE', { timeout: 10_000 }, async () => {
    const error = await rejectsWith('UNAVAILABLE', openStore({ env: { MONGODB_URI: 'mongodb://127.0.0.1:1' }, serverSelectionTimeoutMS: 200 }));
    assert.match(error.message, /127\.0\.0\.1:1/);
  });
});
