import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from './rng.js';

describe('Rng, as the samplers use it', () => {
  it('reproduces a stream from its seed and differs between seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 100 }, () => a.next());
    assert.deepEqual(Array.from({ length: 100 }, () => b.next()), xs);
    assert.notDeepEqual(Array.from({ length: 100 }, () => c.next()), xs);
  });

  it('draws floats in [0, 1) and unbiased integers', () => {
    const rng = new Rng(1);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60000; i++) {
      const x = rng.next();
      assert.ok(x >= 0 && x < 1);
      counts[rng.int(6)]!++;
    }
    // Each face 10000 ± 5 standard deviations (σ ≈ 91).
    for (const c of counts) assert.ok(Math.abs(c - 10000) < 460, `count ${c}`);
  });

  it('rejects bad seeds and ranges', () => {
    assert.throws(() => new Rng(-1), /seed must be an integer in \[0, 2\^32\), got -1/);
    assert.throws(() => new Rng(1).int(0), /n must be an integer/);
  });

  it('draws standard normals and shuffles into permutations', () => {
    const rng = new Rng(5);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    assert.ok(Math.abs(mean) < 0.04 && Math.abs(variance - 1) < 0.05, `mean ${mean} variance ${variance}`);
    const perm = rng.shuffle(Array.from({ length: 50 }, (_, i) => i));
    assert.deepEqual([...perm].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  });
});
