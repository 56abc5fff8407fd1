import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../data/rng.js';
import { roundToHalf } from './half.js';
import { binarizeTensor, channelLayout, dequantizeTensor, quantizeTensor, quantRange, roundHalfEven, scaleZeroPoint } from './quant-params.js';

function gaussian(n: number, seed: number, shift = 0): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n }, () => rng.normal(shift, 1));
}

describe('quantization numerics (r = s(q − z))', () => {
  it('rounds ties to even', () => {
    assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6].map(roundHalfEven), [0, 2, 2, -0, -2, 2, -3]);
  });

  it('uses the restricted signed range when symmetric and the full unsigned range otherwise', () => {
    assert.deepEqual(quantRange(8, true), { bits: 8, qmin: -127, qmax: 127, signed: true });
    assert.deepEqual(quantRange(4, false), { bits: 4, qmin: 0, qmax: 15, signed: false });
    assert.deepEqual(quantRange(2, true), { bits: 2, qmin: -1, qmax: 1, signed: true });
  });

  it('fits scale and zero point so that zero is exact and the range is covered', () => {
    const r = quantRange(8, false);
    const p = scaleZeroPoint(-1, 3, r);
    assert.equal(p.scale, 4 / 255);
    assert.equal(p.zeroPoint, 64);
    // A positive-only range still contains zero.
    assert.deepEqual(scaleZeroPoint(0.5, 2, r), { scale: 2 / 255, zeroPoint: 0 });
    assert.deepEqual(scaleZeroPoint(-2, 1, quantRange(8, true)), { scale: 2 / 127, zeroPoint: 0 });
    assert.deepEqual(scaleZeroPoint(0, 0, quantRange(8, true)), { scale: 1, zeroPoint: 0 });
  });

  for (const bits of [2, 3, 4, 5, 8]) {
    for (const symmetric of [true, false]) {
      for (const axis of [undefined, 0, 1]) {
        it(`${bits}-bit ${symmetric ? 'symmetric' : 'asymmetric'} ${axis === undefined ? 'per-tensor' : `axis ${axis}`}: codes on the grid, within half a step`, () => {
          const dims = [6, 5, 3];
          const data = gaussian(90, bits * 10 + (axis ?? 9), symmetric ? 0 : 0.7);
          data[7] = 0;
          const range = quantRange(bits, symmetric);
          const q = quantizeTensor(data, channelLayout(dims, axis), range);
          const deq = dequantizeTensor(q);
          const { outer, channels, inner } = q.layout;
          for (let i = 0; i < data.length; i++) {
            const c = Math.floor(i / inner) % channels;
            const code = q.codes[i]!;
            assert.ok(Number.isInteger(code) && code >= range.qmin && code <= range.qmax);
            assert.ok(Math.abs(deq[i]! - data[i]!) <= q.scales[c]! / 2 + 1e-6 * q.scales[c]!, `element ${i}`);
          }
          assert.equal(deq[7], 0);
          assert.equal(outer * channels * inner, data.length);
          if (symmetric) assert.ok(q.zeroPoints.every((z) => z === 0));
        });
      }
    }
  }

  it('binarizes to ±mean|w| per channel and keeps zeros', () => {
    const data = Float32Array.from([1, -3, 0, 2, /* channel 1 */ -0.5, 0.5, 1.5, -1.5]);
    const q = binarizeTensor(data, channelLayout([2, 4], 0));
    assert.deepEqual([...q.scales], [2, 1]);
    assert.deepEqual([...dequantizeTensor(q)], [2, -2, 0, 2, -1, 1, 1, -1]);
  });

  it('rounds to the nearest float16', () => {
    assert.equal(roundToHalf(1 + 2 ** -11), 1); // tie → even
    assert.equal(roundToHalf(1 + 3 * 2 ** -11), 1 + 2 ** -9);
    assert.equal(roundToHalf(65504), 65504);
    assert.equal(roundToHalf(70000), Infinity);
    assert.equal(roundToHalf(2 ** -25 * 3), 2 ** -24 * 2); // subnormal grid 2^-24, tie → even
    assert.equal(roundToHalf(-0.1), -0.0999755859375);
  });
});

describe("quantizeTensor clip 'mse'", () => {
  it('clips an outlier to cut the squared error, and never does worse than min/max', () => {
    // One channel of fifteen weights ±0.4 and one of 1: at 2 bits (codes −1, 0, 1) min/max rounds the
    // fifteen to 0 (squared error 15 · 0.16); a range clipped to ±0.6 keeps them at ±0.6 (15 · 0.04 + 0.16).
    const data = Float32Array.from({ length: 16 }, (_, i) => (i === 15 ? 1 : i % 2 ? 0.4 : -0.4));
    const layout = channelLayout([1, 16], 0);
    const range = quantRange(2, true);
    const sse = (q: ReturnType<typeof quantizeTensor>) => dequantizeTensor(q).reduce((s, v, i) => s + (v - data[i]!) ** 2, 0);
    const minMax = quantizeTensor(data, layout, range);
    const mse = quantizeTensor(data, layout, range, { clip: 'mse' });
    assert.ok(mse.scales[0]! < minMax.scales[0]!, `clipped scale ${mse.scales[0]} < ${minMax.scales[0]}`);
    assert.ok(sse(mse) < sse(minMax), `${sse(mse)} < ${sse(minMax)}`);
    // The search tries ratio 1 too, so on any data it is at least as good as min/max.
    const rng = new Rng(3);
    const random = Float32Array.from({ length: 64 }, () => rng.normal());
    for (const bits of [2, 3, 4, 8]) {
      const l = channelLayout([4, 16], 0);
      const err = (q: ReturnType<typeof quantizeTensor>) => dequantizeTensor(q).reduce((s, v, i) => s + (v - random[i]!) ** 2, 0);
      assert.ok(err(quantizeTensor(random, l, quantRange(bits, false), { clip: 'mse' })) <= err(quantizeTensor(random, l, quantRange(bits, false))) + 1e-9, `${bits} bits`);
    }
  });
});
