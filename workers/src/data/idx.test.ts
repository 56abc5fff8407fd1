import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeIdx, parseIdx } from './idx.js';
import type { NdArray } from './nd-array.js';
import { WorkersError } from '../errors.js';

function rejects(bytes: Uint8Array, problem: RegExp): void {
  assert.throws(
    () => parseIdx(bytes, 'imgs.idx'),
    (e: unknown) => e instanceof WorkersError && e.code === 'BAD_DATASET' && e.message.startsWith('imgs.idx: ') && problem.test(e.message),
  );
}

describe('IDX', () => {
  it('reads an MNIST-style image file written byte by byte', () => {
    // 0x00000803, dims 2 × 2 × 3 (big-endian), then 12 pixels.
    const bytes = Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, ...Array.from({ length: 12 }, (_, i) => 20 * i)]);
    const a = parseIdx(bytes, 'imgs.idx');
    assert.equal(a.dtype, 'uint8');
    assert.deepEqual(a.shape, [2, 2, 3]);
    assert.deepEqual([...a.data], [0, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200, 220]);
  });

  it('reads a label file (0x00000801)', () => {
    const a = parseIdx(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 3, 7, 0, 9]), 'labels.idx');
    assert.deepEqual(a.shape, [3]);
    assert.deepEqual([...a.data], [7, 0, 9]);
  });

  it('reads multi-byte types big-endian', () => {
    // int16 [2]: 0x0102 = 258 and 0xfffe = −2.
    const a = parseIdx(Uint8Array.from([0, 0, 0x0b, 1, 0, 0, 0, 2, 1, 2, 0xff, 0xfe]), 'x.idx');
    assert.deepEqual([...a.data], [258, -2]);
    // float32 [1]: 0x3fc00000 = 1.5.
    assert.deepEqual([...parseIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]), 'x.idx').data], [1.5]);
  });

  it('reads from a view at an odd offset in a larger buffer', () => {
    const file = encodeIdx({ dtype: 'int32', shape: [2], data: Int32Array.from([-5, 70000]) });
    const inPool = Buffer.concat([Buffer.alloc(1), file, Buffer.alloc(3)]).subarray(1, 1 + file.length);
    assert.deepEqual([...parseIdx(inPool, 'x.idx').data], [-5, 70000]);
  });

  it('round-trips every IDX type', () => {
    const cases: NdArray[] = [
      { dtype: 'uint8', shape: [2, 2], data: Uint8Array.from([0, 1, 128, 255]) },
      { dtype: 'int8', shape: [3], data: Int8Array.from([-128, 0, 127]) },
      { dtype: 'int16', shape: [3], data: Int16Array.from([-32768, 5, 32767]) },
      { dtype: 'int32', shape: [1, 3], data: Int32Array.from([-2147483648, 7, 2147483647]) },
      { dtype: 'float32', shape: [2, 1, 2], data: Float32Array.from([-1.25, 0, 3.5, 1e-3]) },
      { dtype: 'float64', shape: [2], data: Float64Array.from([Math.PI, -1e300]) },
    ];
    for (const a of cases) {
      const back = parseIdx(encodeIdx(a), 'x.idx');
      assert.equal(back.dtype, a.dtype);
      assert.deepEqual(back.shape, a.shape);
      assert.deepEqual(back.data, a.data);
    }
  });

  it('refuses to write a type IDX does not have', () => {
    assert.throws(() => encodeIdx({ dtype: 'int64', shape: [1], data: BigInt64Array.from([1n]) }), /IDX has no int64 type/);
  });

  it('names each malformed-file problem', () => {
    rejects(Uint8Array.from([0, 0, 8]), /truncated IDX header: 3 bytes/);
    rejects(Uint8Array.from([1, 0, 8, 3, 0, 0, 0, 1]), /wrong magic 0x01000803/);
    rejects(Uint8Array.from([0, 0, 0x0a, 1, 0, 0, 0, 1, 0]), /unsupported IDX type code 0x0a in magic 0x00000a01/);
    rejects(Uint8Array.from([0, 0, 8, 0]), /declares 0 dimensions/);
    rejects(Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1, 0, 0]), /truncated IDX header: 10 bytes, 3 dimensions need 16/);
    rejects(Uint8Array.from([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3]), /truncated data: shape \[2, 2\] uint8 needs 4 bytes, file has 3/);
    rejects(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 1, 1, 2]), /1 unexpected bytes after the data of shape \[1\]/);
  });
});
