import { SearchError } from './errors.js';

/**
 * The random source samplers draw from: uniform floats in [0, 1) and unbiased integers. It is a
 * structural type, so `@frontier/workers`' `Rng` (xoshiro128**) can be passed as it is; `seededRng`
 * below is the search package's own small generator for when no other is at hand.
 */
export interface Rng {
  /** A uniform float in [0, 1). */
  next(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
}

/**
 * A seeded generator: sfc32 (Chris Doty-Humphrey's "small fast counting" generator from PractRand,
 * 128-bit state with a counter, so no short cycles), seeded through SplitMix32-style mixing so
 * that nearby seeds give unrelated streams. Not cryptographic; it exists for reproducibility.
 */
export function seededRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new SearchError('BAD_ARGUMENT', `seed must be an integer in [0, 2^32), got ${seed}`);
  }
  let weyl = seed >>> 0;
  const mix = (): number => {
    weyl = (weyl + 0x9e3779b9) >>> 0;
    let h = weyl;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  let a = mix();
  let b = mix();
  let c = mix();
  let d = 1; // the counter
  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // sfc32's authors discard the first outputs so the state is well mixed.
  for (let i = 0; i < 12; i++) nextUint32();
  return {
    next: () => nextUint32() / 4294967296,
    int(n: number): number {
      if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
        throw new SearchError('BAD_ARGUMENT', `n must be an integer in [1, 2^32], got ${n}`);
      }
      // Rejection of the incomplete last block removes modulo bias.
      const limit = 4294967296 - (4294967296 % n);
      let x = nextUint32();
      while (x >= limit) x = nextUint32();
      return x % n;
    },
  };
}

/** A standard normal deviate (Box–Muller). */
export function normalDeviate(rng: Rng): number {
  const u = 1 - rng.next(); // (0, 1]: log(0) is avoided
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** Shuffles `items` in place (Fisher–Yates) and returns it. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(rng: Rng, items: T): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}
