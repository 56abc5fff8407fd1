import { randomBytes } from 'node:crypto';

// Crockford's base32 alphabet, as ULID uses it (https://github.com/ulid/spec): no I, L, O, U.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
let lastRandom = new Uint8Array(10);

/**
 * A new ULID (https://github.com/ulid/spec): 26 characters, 48 bits of milliseconds then 80 random
 * bits, so ids sort by creation time. Within one process ids are strictly increasing even within
 * one millisecond (the random part is incremented, as the spec's "monotonic" mode does); ids made
 * in different processes in the same millisecond are ordered arbitrarily.
 */
export function newId(now: number = Date.now()): string {
  if (now <= lastTime) {
    incrementInPlace(lastRandom);
    now = lastTime;
  } else {
    lastTime = now;
    lastRandom = new Uint8Array(randomBytes(10));
  }
  return encodeUlid(now, lastRandom);
}

/** The ULID of a time in ms and 10 random bytes: 10 time digits then 16 random digits. */
export function encodeUlid(ms: number, random: Uint8Array): string {
  return encodeTime(ms) + encodeRandom(random);
}

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32]! + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

/** 80 bits → 16 base32 digits, most significant first. */
function encodeRandom(bytes: Uint8Array): string {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  let out = '';
  for (let i = 0; i < 16; i++) {
    out = ALPHABET[Number(value & 31n)]! + out;
    value >>= 5n;
  }
  return out;
}

function incrementInPlace(bytes: Uint8Array): void {
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] !== 255) {
      bytes[i] = bytes[i]! + 1;
      return;
    }
    bytes[i] = 0;
  }
  // 2^80 ids in one millisecond: the spec says to fail rather than wrap.
  throw new Error('ULID random part overflowed within one millisecond');
}
