import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redisConnection, slotsOfWorker, workerName } from './queue-settings.js';

describe('redisConnection', () => {
  it('accepts redis:// and rediss:// URLs', () => {
    assert.equal(redisConnection('redis://127.0.0.1:6379').maxRetriesPerRequest, null);
    assert.equal(redisConnection('rediss://cache.example:6380/2').url, 'rediss://cache.example:6380/2');
  });
  it('rejects anything else, naming the value', () => {
    assert.throws(() => redisConnection('localhost:6379'), /the Redis URL must start with redis:\/\/ or rediss:\/\/, got "localhost:6379"/);
    assert.throws(() => redisConnection('not a url'), /the Redis URL must look like redis:\/\/host:6379, got "not a url"/);
  });
});

describe('worker names', () => {
  it('carry the slot count that an engine sizes its in-flight evaluations by', () => {
    const raw = `bull:ZnJvbnRpZXI=:w:${workerName({ host: 'box', pid: 42, slots: 3 })}`;
    assert.equal(slotsOfWorker(raw), 3);
    assert.equal(slotsOfWorker('bull:ZnJvbnRpZXI=:w:someone-else'), 1);
  });
});
