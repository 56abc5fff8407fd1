import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeNpy, parseNpy } from './npy.js';
import type { NdArray } from './nd-array.js';
import { WorkersError } from '../errors.js';

// Files written by NumPy 2.4 (np.save / np.lib.format.write_array), base64-encoded:
const NUMPY = {
  // np.array([[1.5, -2], [3, 4.25]], dtype='<f4'), version 1.0
  v1f4: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAAwAAAQEAAAIhA',
  // np.array([3, 0, 9, 255, -1], dtype='<i8'), version 2.0
  v2i8: 'k05VTVBZAgB0AAAAeydkZXNjcic6ICc8aTgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoNSwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoDAAAAAAAAAAAAAAAAAAAACQAAAAAAAAD/AAAAAAAAAP//////////',
  // np.arange(12, dtype=np.uint8).reshape(1, 2, 2, 3), version 3.0
  v3u1: 'k05VTVBZAwB0AAAAeydkZXNjcic6ICd8dTEnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMSwgMiwgMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAQIDBAUGBwgJCgs=',
  // np.asfortranarray(np.arange(6, dtype='<f8').reshape(2, 3))
  fortran: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAhAAAAAAAAA8D8AAAAAAAAQQAAAAAAAAABAAAAAAAAAFEA=',
  // np.array([1, 2], dtype='>i4')
  bigEndian: 'k05VTVBZAQB2AHsnZGVzY3InOiAnPmk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAABAAAAAg==',
};
const numpy = (key: keyof typeof NUMPY) => new Uint8Array(Buffer.from(NUMPY[key], 'base64'));

/** A v1 file with a hand-written header (padding is not required by readers). */
function npyWithHeader(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(header + '\n');
  const out = new Uint8Array(10 + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, h.length, true);
  out.set(h, 10);
  out.set(data, 10 + h.length);
  return out;
}

function rejects(bytes: Uint8Array, problem: RegExp): void {
  assert.throws(
    () => parseNpy(bytes, 'a.npy'),
    (e: unknown) => e instanceof WorkersError && e.code === 'BAD_DATASET' && e.message.startsWith('a.npy: ') && problem.test(e.message),
  );
}

describe('.npy', () => {
  it('reads NumPy-written v1, v2 and v3 files', () => {
    const f4 = parseNpy(numpy('v1f4'), 'a.npy');
    assert.deepEqual([f4.dtype, f4.shape, [...f4.data]], ['float32', [2, 2], [1.5, -2, 3, 4.25]]);
    const i8 = parseNpy(numpy('v2i8'), 'a.npy');
    assert.deepEqual([i8.dtype, i8.shape, [...i8.data]], ['int64', [5], [3n, 0n, 9n, 255n, -1n]]);
    const u1 = parseNpy(numpy('v3u1'), 'a.npy');
    assert.deepEqual([u1.dtype, u1.shape, [...u1.data]], ['uint8', [1, 2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]);
  });

  it('reads from a view at an odd offset in a larger buffer (as Node hands out small files)', () => {
    const inPool = Buffer.concat([Buffer.alloc(3, 0xaa), numpy('v2i8'), Buffer.alloc(5, 0xbb)]).subarray(3, 3 + numpy('v2i8').length);
    assert.deepEqual([...parseNpy(inPool, 'a.npy').data], [3n, 0n, 9n, 255n, -1n]);
  });

  it('writes byte-identical files to NumPy for the same array', () => {
    assert.deepEqual(encodeNpy({ dtype: 'float32', shape: [2, 2], data: Float32Array.from([1.5, -2, 3, 4.25]) }), numpy('v1f4'));
  });

  it('round-trips every dtype', () => {
    const cases: NdArray[] = [
      { dtype: 'uint8', shape: [3], data: Uint8Array.from([0, 9, 255]) },
      { dtype: 'int8', shape: [1, 2], data: Int8Array.from([-5, 5]) },
      { dtype: 'uint16', shape: [2], data: Uint16Array.from([1, 65535]) },
      { dtype: 'int16', shape: [2], data: Int16Array.from([-1, 300]) },
      { dtype: 'uint32', shape: [1], data: Uint32Array.from([4294967295]) },
      { dtype: 'int32', shape: [2, 1, 1], data: Int32Array.from([-7, 7]) },
      { dtype: 'uint64', shape: [1], data: BigUint64Array.from([2n ** 63n]) },
      { dtype: 'int64', shape: [2], data: BigInt64Array.from([-3n, 4n]) },
      { dtype: 'float32', shape: [2, 2], data: Float32Array.from([0.5, -0.25, 1e-8, 3]) },
      { dtype: 'float64', shape: [], data: Float64Array.from([Math.E]) },
    ];
    for (const a of cases) {
      const bytes = encodeNpy(a);
      const headerEnd = 10 + new DataView(bytes.buffer).getUint16(8, true);
      assert.equal(headerEnd % 64, 0, 'data starts on a 64-byte boundary, as NumPy writes it');
      const back = parseNpy(bytes, 'a.npy');
      assert.deepEqual([back.dtype, back.shape], [a.dtype, a.shape]);
      assert.deepEqual(back.data, a.data);
    }
  });

  it('names each malformed-file problem', () => {
    rejects(numpy('fortran'), /Fortran-order \(column-major\) arrays are not supported; save np.ascontiguousarray\(a\)/);
    rejects(numpy('bigEndian'), /big-endian dtype '>i4' is not supported/);
    rejects(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58, 1, 0, 0, 0]), /wrong magic/);
    const v4 = numpy('v1f4');
    v4[6] = 4;
    rejects(v4, /unsupported .npy version 4.0/);
    rejects(numpy('v1f4').subarray(0, 50), /truncated .npy header: 50 bytes, header ends at 128/);
    rejects(numpy('v1f4').subarray(0, 140), /truncated data: shape \(2, 2\) float32 needs 16 bytes, file has 12/);
    rejects(Uint8Array.from([...numpy('v3u1'), 0]), /1 unexpected bytes after the data of shape \(1, 2, 2, 3\)/);
    rejects(npyWithHeader("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(2)), /unsupported dtype '<f2'/);
    rejects(npyWithHeader("{'descr': '|b1', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(1)), /unsupported dtype '\|b1'/);
    rejects(npyWithHeader("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }"), /structured dtypes are not supported/);
    rejects(npyWithHeader("{'descr': '<f4', 'fortran_order': False, }"), /no 'shape' in header/);
    rejects(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }"), /bad shape \(2, x\)/);
  });
});
