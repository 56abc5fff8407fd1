import { WorkersError } from '../errors.js';

/**
 * A small seeded pseudo-random generator: xoshiro128** 1.1 (D. Blackman and S. Vigna, "Scrambled
 * linear pseudorandom number generators", ACM TOMS 47(4), 2021; reference C code at
 * https://prng.di.unimi.it/xoshiro128starstar.c). 128 bits of state, period 2^128 − 1, 32-bit
 * outputs. It is not cryptographic; it exists so that splits, samplers and weight initialisation
 * are reproducible from one integer seed — `Math.random` is banned from those paths.
 *
 * The four state words are drawn from a 32-bit SplitMix sequence (a Weyl sequence with the
 * golden-ratio increment 0x9e3779b9, finished by MurmurHash3's fmix32), because the xoshiro authors
 * advise seeding from a different generator so that nearby seeds give unrelated streams.
 */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** `seed` is an integer in [0, 2^32). */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new WorkersError('BAD_ARGUMENT', `seed must be an integer in [0, 2^32), got ${seed}`);
    }
    let weyl = seed;
    const nextSeedWord = (): number => {
      weyl = (weyl + 0x9e3779b9) >>> 0;
      return fmix32(weyl);
    };
    this.s0 = nextSeedWord();
    this.s1 = nextSeedWord();
    this.s2 = nextSeedWord();
    this.s3 = nextSeedWord();
    // The all-zero state is the one fixed point of xoshiro; fmix32 is a bijection, so four
    // consecutive distinct Weyl values cannot all map to zero, but the guard costs nothing.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator continuing from a saved `state()` (four uint32 words, not all zero). */
  static fromState(state: readonly [number, number, number, number]): Rng {
    if (state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff) || state.every((w) => w === 0)) {
      throw new WorkersError('BAD_ARGUMENT', `state must be four uint32 words, not all zero, got [${state.join(', ')}]`);
    }
    const rng = new Rng(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state;
    return rng;
  }

  /** The current state, to save a stream and resume it with `Rng.fromState`. */
  state(): [number, number, number, number] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  /** The next 32-bit output, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform float in [0, 1), with 2^-32 resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [0, n), without modulo bias (rejection of the incomplete last block). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 4294967296) {
      throw new WorkersError('BAD_ARGUMENT', `n must be an integer in [1, 2^32], got ${n}`);
    }
    const limit = 4294967296 - (4294967296 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** A normal deviate (Box–Muller transform; one of the pair is discarded for simplicity). */
  normal(mean = 0, std = 1): number {
    const u = 1 - this.next(); // (0, 1]: log(0) is avoided
    const v = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles `items` in place (Fisher–Yates, Durstenfeld's variant) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** MurmurHash3's 32-bit finaliser: a bijection on uint32 with good avalanche. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
