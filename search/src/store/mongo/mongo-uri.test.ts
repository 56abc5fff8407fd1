import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMongoUri, redact } from './mongo-uri.js';
import { isStoreError } from '../store-error.js';

describe('parseMongoUri', () => {
  it('reads hosts and database, never credentials', () => {
    assert.deepEqual(parseMongoUri('mongodb://localhost:27017'), { hosts: 'localhost:27017' });
    assert.deepEqual(parseMongoUri('mongodb://u:p%40ss@db1:27017,db2:27018/frontier?replicaSet=rs0'), {
      hosts: 'db1:27017,db2:27018',
      database: 'frontier',
    });
    assert.deepEqual(parseMongoUri('mongodb+srv://user:pw@cluster0.example.net/my%20db'), {
      hosts: 'cluster0.example.net',
      database: 'my db',
    });
    assert.deepEqual(parseMongoUri('mongodb://h/?w=majority'), { hosts: 'h' });
  });

  it('rejects other schemes and missing hosts', () => {
    for (const uri of ['http://localhost:27017', 'mongodb://', 'mongodb://user:pw@/db', 'localhost:27017']) {
      assert.throws(() => parseMongoUri(uri), (e) => isStoreError(e, 'BAD_ARGUMENT'), uri);
    }
  });

  it('redacts credentials in messages', () => {
    assert.equal(redact('mongodb://u:secret@h:1/db'), 'mongodb://***@h:1/db');
    assert.equal(redact('mongodb://h:1/db'), 'mongodb://h:1/db');
    assert.doesNotThrow(() => parseMongoUri('mongodb://h:1'));
    assert.throws(() => parseMongoUri('ftp://u:secret@h'), (e: Error) => !e.message.includes('secret'));
  });
});
