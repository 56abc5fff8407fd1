import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibrationIndices } from './calibrate.js';

describe('calibrationIndices', () => {
  it('samples every class of a class-interleaved dataset (a stride of 110 would see one)', () => {
    // Fashion-MNIST's fit split: 55 000 images whose labels cycle 0, 1, …, 9.
    for (const count of [500, 1000]) {
      const picked = calibrationIndices(55_000, count);
      const perClass = new Array<number>(10).fill(0);
      for (const i of picked) perClass[i % 10]!++;
      for (const n of perClass) assert.ok(n > count / 10 / 2 && n < (count / 10) * 2, `${count} images: ${perClass.join(' ')} per class`);
    }
  });

  it('is the same sample every time, ascending and without repeats', () => {
    const a = calibrationIndices(10_000, 300);
    assert.deepEqual(a, calibrationIndices(10_000, 300));
    assert.equal(a.length, 300);
    for (let k = 1; k < a.length; k++) assert.ok(a[k]! > a[k - 1]!);
    assert.ok(a[0]! >= 0 && a.at(-1)! < 10_000);
  });

  it('takes every image when asked for as many or more', () => {
    assert.deepEqual([...calibrationIndices(5, 5)], [0, 1, 2, 3, 4]);
    assert.deepEqual([...calibrationIndices(3, 1000)], [0, 1, 2]);
  });
});
