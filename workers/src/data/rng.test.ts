import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from './rng.js';
import { WorkersError } from '../errors.js';

describe('Rng (xoshiro128**)', () => {
  it('matches the reference C implementation from state {1, 2, 3, 4}', () => {
    // Produced by https://prng.di.unimi.it/xoshiro128starstar.c compiled with gcc -O2, s = {1, 2, 3, 4}.
    const expected = [11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849];
    const rng = Rng.fromState([1, 2, 3, 4]);
    assert.deepEqual(
      expected.map(() => rng.nextUint32()),
      expected,
    );
  });

  it('is deterministic per seed, and different seeds give different streams', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 16 }, () => a.nextUint32());
    const sb = Array.from({ length: 16 }, () => b.nextUint32());
    const sc = Array.from({ length: 16 }, () => c.nextUint32());
    assert.deepEqual(sa, sb);
    assert.notDeepEqual(sa, sc);
  });

  it('resumes from a saved state', () => {
    const a = new Rng(7);
    a.nextUint32();
    const saved = a.state();
    const rest = Array.from({ length: 8 }, () => a.nextUint32());
    const b = Rng.fromState(saved);
    assert.deepEqual(
      Array.from({ length: 8 }, () => b.nextUint32()),
      rest,
    );
  });

  it('next() stays in [0, 1) and int(n) is uniform over [0, n)', () => {
    const rng = new Rng(1);
    const n = 10;
    const draws = 100_000;
    const counts = new Array<number>(n).fill(0);
    for (let i = 0; i < draws; i++) {
      const x = rng.next();
      assert.ok(x >= 0 && x < 1);
      counts[rng.int(n)]!++;
    }
    // Pearson's chi-square with 9 degrees of freedom: the 0.999 quantile is 27.88 (standard tables).
    const e = draws / n;
    const chi2 = counts.reduce((s, c) => s + ((c - e) * (c - e)) / e, 0);
    assert.ok(chi2 < 27.88, `chi2 = ${chi2}, counts ${counts.join(' ')}`);
  });

  it('int(1) is always 0 and int(2^32) covers the full range', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 100; i++) assert.equal(rng.int(1), 0);
    const big = Array.from({ length: 100 }, () => rng.int(4294967296));
    assert.ok(big.every((x) => Number.isInteger(x) && x >= 0 && x < 4294967296));
    assert.ok(big.some((x) => x >= 2147483648));
  });

  it('shuffle returns a permutation and moves items', () => {
    const rng = new Rng(5);
    const items = Int32Array.from({ length: 100 }, (_, i) => i);
    const shuffled = rng.shuffle(items);
    assert.equal(shuffled, items);
    assert.deepEqual(
      [...shuffled].sort((x, y) => x - y),
      Array.from({ length: 100 }, (_, i) => i),
    );
    assert.ok(shuffled.some((v, i) => v !== i));
  });

  it('normal() has about the requested mean and spread', () => {
    const rng = new Rng(9);
    const xs = Array.from({ length: 20_000 }, () => rng.normal(2, 3));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    // Standard error of the mean is 3/√20000 ≈ 0.021; 0.1 is ~5 standard errors.
    assert.ok(Math.abs(mean - 2) < 0.1, `mean ${mean}`);
    assert.ok(Math.abs(sd - 3) < 0.1, `sd ${sd}`);
  });

  it('rejects bad seeds and bounds', () => {
    const bad = (f: () => unknown, re: RegExp) =>
      assert.throws(f, (e: unknown) => e instanceof WorkersError && e.code === 'BAD_ARGUMENT' && re.test(e.message));
    bad(() => new Rng(-1), /seed must be an integer in \[0, 2\^32\), got -1/);
    bad(() => new Rng(1.5), /got 1.5/);
    bad(() => new Rng(1).int(0), /n must be an integer/);
    bad(() => Rng.fromState([0, 0, 0, 0]), /not all zero/);
  });
});
