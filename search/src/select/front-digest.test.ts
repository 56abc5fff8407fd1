import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { frontDigest } from './front-digest.js';

const a = { id: 'c1', artifactSha256: 'a'.repeat(64) };
const b = { id: 'c2', artifactSha256: 'b'.repeat(64) };

describe('frontDigest', () => {
  it('is the sha256 of the sorted id:sha256 lines', () => {
    const expected = createHash('sha256').update(`c1:${'a'.repeat(64)}\nc2:${'b'.repeat(64)}\n`).digest('hex');
    assert.equal(frontDigest([b, a]), expected);
    assert.equal(frontDigest([a, b]), expected);
  });

  it('changes with a member, and with a member\'s file', () => {
    const base = frontDigest([a, b]);
    assert.notEqual(frontDigest([a]), base);
    assert.notEqual(frontDigest([a, { ...b, artifactSha256: 'c'.repeat(64) }]), base);
    assert.notEqual(frontDigest([a, { ...b, id: 'c3' }]), base);
    assert.equal(frontDigest([]), createHash('sha256').digest('hex'));
  });
});
