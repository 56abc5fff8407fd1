import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Candidate } from '../store/types.js';
import { selectCandidate } from './select-candidate.js';

function candidate(id: string, m: { acc: number; ms: number; ram: number; flash: number }, status: Candidate['status'] = 'DONE'): Candidate {
  return {
    id, runId: 'r', seq: 0, modelId: 'm', modelSha256: 's', dataset: 'fashion-mnist', deviceId: 'd', recipe: {}, recipeKey: id,
    status, attempts: 1, createdAt: '2026-01-01T00:00:00.000Z',
    metrics: {
      accuracy: { val: m.acc }, latency: { ms: m.ms, source: 'PREDICTED' }, peakRamBytes: m.ram, modelBytes: m.flash,
      deployBytes: m.flash, params: 1, nonzeroParams: 1, macs: 1,
    },
  };
}

const a = candidate('a', { acc: 0.9, ms: 20, ram: 300_000, flash: 400_000 });
const b = candidate('b', { acc: 0.85, ms: 8, ram: 200_000, flash: 100_000 });
const c = candidate('c', { acc: 0.85, ms: 5, ram: 250_000, flash: 150_000 });
const front = [a, b, c];

describe('selectCandidate', () => {
  it('takes the most accurate candidate meeting the limits, breaking ties by latency then size', () => {
    assert.equal(selectCandidate({ candidates: front, constraints: {} }).candidate?.id, 'a');
    assert.equal(selectCandidate({ candidates: front, constraints: { maxLatencyMs: 10 } }).candidate?.id, 'c');
    assert.equal(selectCandidate({ candidates: [b, c], constraints: { maxRamBytes: 220_000 } }).candidate?.id, 'b');
  });

  it('follows the preference and does not depend on the order of the candidates', () => {
    for (const order of [front, [...front].reverse(), [b, a, c]]) {
      assert.equal(selectCandidate({ candidates: order, constraints: {}, prefer: 'LATENCY' }).candidate?.id, 'c');
      assert.equal(selectCandidate({ candidates: order, constraints: {}, prefer: 'SIZE' }).candidate?.id, 'b');
    }
  });

  it('breaks a complete tie by id', () => {
    const twin = candidate('0twin', { acc: 0.9, ms: 20, ram: 300_000, flash: 400_000 });
    assert.equal(selectCandidate({ candidates: [a, twin], constraints: {} }).candidate?.id, '0twin');
  });

  it('reports the nearest miss and by how much each limit is missed when nothing qualifies', () => {
    const s = selectCandidate({ candidates: front, constraints: { maxLatencyMs: 4, minAccuracy: 0.88 } });
    assert.equal(s.candidate, undefined);
    // c misses latency by 1 ms (25%) and accuracy by 0.03 (3.4%); a misses latency by 400%.
    assert.equal('nearest' in s ? s.nearest?.id : undefined, 'c');
    assert.deepEqual(s.unsatisfied.map((m) => m.constraint), ['maxLatencyMs', 'minAccuracy']);
    assert.equal(s.unsatisfied[0]!.excess, 1);
    assert.equal(s.unsatisfied[0]!.relative, 0.25);
    assert.ok(Math.abs(s.unsatisfied[1]!.excess - 0.03) < 1e-12);
    assert.equal(s.unsatisfied[1]!.value, 0.85);
  });

  it('ignores candidates that are not DONE, and says nothing qualifies for an empty front', () => {
    const failed = candidate('f', { acc: 0.99, ms: 1, ram: 1, flash: 1 }, 'FAILED');
    assert.equal(selectCandidate({ candidates: [failed, b], constraints: {} }).candidate?.id, 'b');
    assert.deepEqual(selectCandidate({ candidates: [], constraints: { maxLatencyMs: 1 } }), { unsatisfied: [] });
  });
});
