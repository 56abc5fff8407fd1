import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeUlid, newId } from './new-id.js';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Decodes the 48-bit time prefix (first 10 characters) of a ULID. */
function timeOf(id: string): number {
  let ms = 0;
  for (const ch of id.slice(0, 10)) ms = ms * 32 + ALPHABET.indexOf(ch);
  return ms;
}

describe('newId', () => {
  it('makes 26-character Crockford base32 ULIDs whose prefix is the time', () => {
    const at = Date.UTC(2025, 0, 31, 12, 0, 0, 123);
    const id = newId(at);
    assert.match(id, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.equal(timeOf(id), at);
    // The spec's example: 1469918176385 ms encodes as 01ARYZ6S41 (https://github.com/ulid/spec).
    assert.equal(encodeUlid(1469918176385, new Uint8Array(10)), '01ARYZ6S41' + '0'.repeat(16));
    assert.equal(encodeUlid(0, new Uint8Array(10).fill(255)), '0'.repeat(10) + 'Z'.repeat(16));
  });

  it('is strictly increasing, also within one millisecond and if the clock steps back', () => {
    const later = Date.UTC(2030, 0, 1);
    const ids = [newId(later), ...Array.from({ length: 1000 }, () => newId(later)), newId(later - 5000)];
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} < ${ids[i]}`);
    assert.ok(newId(later + 1) > ids.at(-1)!);
  });
});
