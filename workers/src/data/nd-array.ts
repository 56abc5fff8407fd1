/** Element types the IDX and `.npy` readers understand. */
export type NdDType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'uint64' | 'int64' | 'float32' | 'float64';

/** Typed arrays backing an `NdArray`, one per `NdDType`. */
export type NdData =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

/** An n-dimensional array read from a file: C (row-major) order, native-endian typed data. */
export interface NdArray {
  readonly dtype: NdDType;
  readonly shape: readonly number[];
  readonly data: NdData;
}

/** Bytes per element. */
export function dtypeSize(dtype: NdDType): number {
  switch (dtype) {
    case 'uint8':
    case 'int8':
      return 1;
    case 'uint16':
    case 'int16':
      return 2;
    case 'uint32':
    case 'int32':
    case 'float32':
      return 4;
    case 'uint64':
    case 'int64':
    case 'float64':
      return 8;
  }
}

/** A typed array of `dtype` over a copy of `bytes` (little-endian host order), so alignment never matters. */
export function typedArrayOf(dtype: NdDType, bytes: Uint8Array): NdData {
  // Copy explicitly: on a Node Buffer, `slice()` is a view into a possibly shared pool, not a copy.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const buffer = copy.buffer;
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(buffer);
    case 'int8':
      return new Int8Array(buffer);
    case 'uint16':
      return new Uint16Array(buffer);
    case 'int16':
      return new Int16Array(buffer);
    case 'uint32':
      return new Uint32Array(buffer);
    case 'int32':
      return new Int32Array(buffer);
    case 'uint64':
      return new BigUint64Array(buffer);
    case 'int64':
      return new BigInt64Array(buffer);
    case 'float32':
      return new Float32Array(buffer);
    case 'float64':
      return new Float64Array(buffer);
  }
}

/** Product of the dimensions (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
