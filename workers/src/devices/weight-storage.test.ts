import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deployWeightBytes, integerCodeBits, weightStorage } from './weight-storage.js';

describe('deployWeightBytes', () => {
  it('packs dense values at their width', () => {
    assert.equal(deployWeightBytes({ elements: 100, bits: 32 }), 400);
    assert.equal(deployWeightBytes({ elements: 100, bits: 8 }), 100);
    assert.equal(deployWeightBytes({ elements: 101, bits: 4 }), 51); // two per byte, the last one alone
    assert.equal(deployWeightBytes({ elements: 100, bits: 3 }), 38); // ⌈300 / 8⌉
    assert.equal(deployWeightBytes({ elements: 100, bits: 1 }), 13);
  });

  it('switches to the bitmap layout once zeros outnumber 1/bits of the values', () => {
    // 8-bit: dense 1000 B; bitmap 125 + nonzero. Break-even at 875 nonzero.
    assert.deepEqual(weightStorage({ elements: 1000, bits: 8, nonzero: 900 }), { bytes: 1000, format: 'dense' });
    assert.deepEqual(weightStorage({ elements: 1000, bits: 8, nonzero: 800 }), { bytes: 925, format: 'bitmap' });
    // fp32 at 50% sparsity: 125 + 2000 instead of 4000.
    assert.deepEqual(weightStorage({ elements: 1000, bits: 32, nonzero: 500 }), { bytes: 2125, format: 'bitmap' });
    // 1-bit codes are ±1: zeros need the bitmap even when it is larger.
    assert.deepEqual(weightStorage({ elements: 80, bits: 1, nonzero: 79 }), { bytes: 20, format: 'bitmap' });
  });

  it('rejects impossible shapes', () => {
    assert.throws(() => deployWeightBytes({ elements: 10, bits: 0 }), /bits must be an integer in \[1, 64\], got 0/);
    assert.throws(() => deployWeightBytes({ elements: 10, bits: 8, nonzero: 11 }), /nonzero must be an integer in \[0, 10\], got 11/);
    assert.throws(() => deployWeightBytes({ elements: -1, bits: 8 }), /elements must be an integer ≥ 0, got -1/);
  });
});

describe('integerCodeBits', () => {
  const zero = () => 0;
  it('is the width of the codes’ span, zero point included', () => {
    assert.equal(integerCodeBits(Int8Array.of(-127, 0, 127), zero, 8), 8);
    assert.equal(integerCodeBits(Int8Array.of(-7, 3, 7), zero, 8), 4);
    assert.equal(integerCodeBits(Int8Array.of(-3, 2), zero, 8), 3);
    assert.equal(integerCodeBits(Int8Array.of(0, 0), zero, 8), 1);
    // Asymmetric uint8 around 128: codes 120..135 span 16 values → 4 bits.
    assert.equal(integerCodeBits(Uint8Array.of(120, 128, 135), () => 128, 8), 4);
  });

  it('gives binary ±1 codes one bit, zeros or not', () => {
    assert.equal(integerCodeBits(Int8Array.of(1, -1, 0, 1), zero, 8), 1);
    assert.equal(integerCodeBits(Int8Array.of(1, -1), zero, 4), 1);
  });
});
