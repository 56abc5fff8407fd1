import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { openMongoStore } from './open-mongo-store.js';
import type { Store } from '../store.js';
import { storeContract } from '../../testing/store-contract.js';
import { rejectsWith } from '../../testing/store-contract-data.js';

// scripts/run-tests.mjs hides MONGODB_URI from every other test and hands it to this suite alone.
const uri = process.env.FRONTIER_TEST_MONGODB_URI || process.env.MONGODB_URI;

if (uri === undefined || uri === '') {
  test('store contract: mongodb', (t) => {
    t.skip('MONGODB_URI is not set: no MongoDB server on this machine');
  });
} else {
  // Each fixture is a fresh database on the server, dropped afterwards.
  storeContract('mongodb', async () => {
    const database = `frontier_test_${randomBytes(6).toString('hex')}`;
    const opened: Store[] = [];
    return {
      async open() {
        const store = await openMongoStore({ uri, database, serverSelectionTimeoutMS: 5000 });
        opened.push(store);
        return store;
      },
      async dispose() {
        for (const store of opened) await store.close();
        const client = await MongoClient.connect(uri);
        await client.db(database).dropDatabase();
        await client.close();
      },
    };
  });
}

describe('mongodb store without a server', () => {
  it('fails to open with UNAVAILABLE naming the host and the cause, within serverSelectionTimeoutMS', { timeout: 10_000 }, async () => {
    // Port 1 on the loopback is closed: the connection is refused at once, and the driver keeps
    // retrying until its server-selection timeout.
    const error = await rejectsWith(
      'UNAVAILABLE',
      openMongoStore({ uri: 'mongodb://frontier:secret@127.0.0.1:1/frontier_x', serverSelectionTimeoutMS: 300 }),
    );
    assert.match(error.message, /MongoDB at 127\.0\.0\.1:1 \(MONGODB_URI\), database frontier_x: .*ECONNREFUSED/);
    assert.doesNotMatch(error.message, /secret/);
  });

  it('rejects a connection string that is not a MongoDB URI as BAD_ARGUMENT', async () => {
    await rejectsWith('BAD_ARGUMENT', openMongoStore({ uri: 'postgres://localhost/frontier' }));
    await rejectsWith('BAD_ARGUMENT', openMongoStore({ uri: 'mongodb://localhost:notaport', serverSelectionTimeoutMS: 300 }));
  });
});
