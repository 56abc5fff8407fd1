import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteDb } from './sqlite-db.js';
import { migrations } from './sqlite-schema.js';
import { openSqliteStore, sqliteDatabasePath } from './sqlite-store.js';
import type { Store } from '../store.js';
import { storeContract } from '../../testing/store-contract.js';
import { rejectsWith, sampleDataset, sampleModel } from '../../testing/store-contract-data.js';

/** A fresh data folder; `open` may be called again to reopen it. */
async function sqliteFixture() {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontier-store-'));
  const opened: Store[] = [];
  return {
    dataDir,
    async open() {
      const store = await openSqliteStore({ dataDir });
      opened.push(store);
      return store;
    },
    async dispose() {
      for (const store of opened) await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

storeContract('sqlite', sqliteFixture);

describe('sqlite store specifics', () => {
  it('opens one WAL database with synchronous = FULL at the latest schema version', async () => {
    const fixture = await sqliteFixture();
    try {
      await fixture.open();
      const db = new Database(sqliteDatabasePath(fixture.dataDir), { readonly: true });
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
      assert.deepEqual(tables, ['candidates', 'datasets', 'devices', 'fronts', 'models', 'runs']);
      db.close();
      // synchronous and foreign_keys are per connection: read them on one opened as the store opens it.
      const own = SqliteDb.open(sqliteDatabasePath(fixture.dataDir), 1000);
      assert.deepEqual(own.get('PRAGMA synchronous'), { synchronous: 2 }); // 2 = FULL
      assert.deepEqual(own.get('PRAGMA foreign_keys'), { foreign_keys: 1 });
      own.close();
    } finally {
      await fixture.dispose();
    }
  });

  it('migrates a version-1 database to the dataset registry, keeping what it holds', async () => {
    const fixture = await sqliteFixture();
    try {
      const first = await fixture.open();
      const model = await first.registerModel(sampleModel('kept'));
      await first.close();
      // Back to the schema before datasets: as a store written by the previous Frontier.
      const db = new Database(sqliteDatabasePath(fixture.dataDir));
      db.exec('DROP TABLE datasets');
      db.pragma('user_version = 1');
      db.close();
      const store = await fixture.open();
      assert.deepEqual(await store.listModels(), [model]);
      assert.equal((await store.registerDataset(sampleDataset('new'))).name, 'new');
    } finally {
      await fixture.dispose();
    }
  });

  it('refuses a database from a newer schema version', async () => {
    const fixture = await sqliteFixture();
    try {
      const db = new Database(sqliteDatabasePath(fixture.dataDir));
      db.pragma(`user_version = ${migrations.length + 1}`);
      db.close();
      const error = await rejectsWith('CORRUPT', fixture.open());
      assert.match(error.message, /schema version \d+; this Frontier knows versions up to/);
    } finally {
      await fixture.dispose();
    }
  });

  it('reports a data folder it cannot create as UNAVAILABLE', async () => {
    const fixture = await sqliteFixture();
    try {
      const file = join(fixture.dataDir, 'not-a-folder');
      writeFileSync(file, 'x');
      const error = await rejectsWith('UNAVAILABLE', openSqliteStore({ dataDir: file }));
      assert.match(error.message, /not-a-folder/);
    } finally {
      await fixture.dispose();
    }
  });

  it('detects an artifact file whose bytes no longer match its name', async () => {
    const fixture = await sqliteFixture();
    try {
      const store = await fixture.open();
      const model = await store.registerModel(sampleModel('m'));
      const path = join(fixture.dataDir, 'artifacts', model.sha256.slice(0, 2), model.sha256);
      writeFileSync(path, 'tampered');
      await rejectsWith('CORRUPT', store.getArtifact(model.sha256));
    } finally {
      await fixture.dispose();
    }
  });
});
