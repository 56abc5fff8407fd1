import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { failureOfJob, jobFailureReason } from './job-failure.js';

describe('failureOfJob', () => {
  it('reads back the pool\'s failure kind a worker wrote', () => {
    const f = failureOfJob(jobFailureReason({ kind: 'timeout', message: 'the task exceeded its time limit of 4000 ms' }));
    assert.equal(f.kind, 'timeout');
    assert.equal(f.message, 'the task exceeded its time limit of 4000 ms');
    assert.equal(f.code, undefined);
  });
  it('keeps the public code of the error the evaluation threw', () => {
    const reason = jobFailureReason({ kind: 'threw', message: 'prune.ratio must be in [0, 1), got 1.5', code: 'BAD_RECIPE' });
    assert.equal(reason, 'threw (BAD_RECIPE): prune.ratio must be in [0, 1), got 1.5');
    const f = failureOfJob(reason);
    assert.deepEqual([f.kind, f.code, f.message], ['threw', 'BAD_RECIPE', 'prune.ratio must be in [0, 1), got 1.5']);
  });
  it('makes a job BullMQ failed after losing its worker too often an exited failure', () => {
    const f = failureOfJob('job stalled more than allowable limit');
    assert.equal(f.kind, 'exited');
    assert.match(f.message, /lost too often \(job stalled more than allowable limit\)/);
  });
  it('keeps any other reason whole as a thrown failure', () => {
    const f = failureOfJob('Missing lock for job 7. moveToFinished');
    assert.equal(f.kind, 'threw');
    assert.equal(f.message, 'Missing lock for job 7. moveToFinished');
  });
});
