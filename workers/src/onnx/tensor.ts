import { WorkersError } from '../errors.js';
import { DataType, type FloatTensor, type Tensor, type TensorData } from './model.js';

/** Number of elements of a shape; the empty shape is a scalar (1 element). */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Bits one element occupies in a file (4 for INT4/UINT4, which are stored packed). */
export function bitsPerElement(dataType: DataType): number {
  switch (dataType) {
    case DataType.UINT4:
    case DataType.INT4:
      return 4;
    case DataType.UINT8:
    case DataType.INT8:
    case DataType.BOOL:
      return 8;
    case DataType.UINT16:
    case DataType.INT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return 16;
    case DataType.FLOAT:
    case DataType.INT32:
    case DataType.UINT32:
      return 32;
    case DataType.DOUBLE:
    case DataType.INT64:
    case DataType.UINT64:
      return 64;
    case DataType.STRING:
      throw new WorkersError('BAD_ARGUMENT', 'STRING tensors have no fixed element size');
  }
}

/** Bytes a tensor's data occupies when stored (packed for 4-bit types). */
export function tensorBytes(t: Tensor): number {
  return Math.ceil((elementCount(t.dims) * bitsPerElement(t.dataType)) / 8);
}

const DATA_TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(DataType).map(([k, v]) => [v, k]),
);

/** Human name of a data type code (`FLOAT`, `INT8` …), or `type N` for unknown codes. */
export function dataTypeName(code: number): string {
  return DATA_TYPE_NAMES[code] ?? `type ${code}`;
}

/** Whether Frontier can hold tensors of this ONNX data type code. */
export function isKnownDataType(code: number): code is DataType {
  return code in DATA_TYPE_NAMES;
}

/** Allocates zeroed storage for `count` elements of a data type. */
export function allocate(dataType: DataType, count: number): TensorData {
  switch (dataType) {
    case DataType.FLOAT:
      return new Float32Array(count);
    case DataType.DOUBLE:
      return new Float64Array(count);
    case DataType.INT8:
    case DataType.INT4:
      return new Int8Array(count);
    case DataType.UINT8:
    case DataType.UINT4:
    case DataType.BOOL:
      return new Uint8Array(count);
    case DataType.INT16:
      return new Int16Array(count);
    case DataType.UINT16:
    case DataType.FLOAT16:
    case DataType.BFLOAT16:
      return new Uint16Array(count);
    case DataType.INT32:
      return new Int32Array(count);
    case DataType.UINT32:
      return new Uint32Array(count);
    case DataType.INT64:
      return new BigInt64Array(count);
    case DataType.UINT64:
      return new BigUint64Array(count);
    case DataType.STRING:
      return new Array<string>(count).fill('');
  }
}

/** A float32 tensor; checks that the data length matches the shape. */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array | readonly number[]): FloatTensor {
  const values = data instanceof Float32Array ? data : Float32Array.from(data);
  checkLength(name, dims, values.length);
  return { name, dataType: DataType.FLOAT, dims: [...dims], data: values };
}

/** An int64 tensor (shapes, axes) from plain numbers. */
export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): Tensor {
  checkLength(name, dims, values.length);
  return { name, dataType: DataType.INT64, dims: [...dims], data: BigInt64Array.from(values, (v) => BigInt(v)) };
}

/** A tensor of any non-string type; checks the data's kind and length against type and shape. */
export function makeTensor(name: string, dataType: DataType, dims: readonly number[], data: TensorData): Tensor {
  checkLength(name, dims, data.length);
  const expected = allocate(dataType, 0);
  if (Object.getPrototypeOf(expected) !== Object.getPrototypeOf(data)) {
    throw new WorkersError('BAD_ARGUMENT', `tensor "${name}": data does not match type ${dataTypeName(dataType)}`);
  }
  return { name, dataType, dims: [...dims], data };
}

/** Reads a tensor as float64 numbers, whatever its numeric type. */
export function toNumbers(t: Tensor): Float64Array {
  const out = new Float64Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(t.data[i]);
  return out;
}

/** Asserts a tensor is float32 and returns it typed as such. */
export function asFloat(t: Tensor): FloatTensor {
  if (t.dataType !== DataType.FLOAT) {
    throw new WorkersError('BAD_MODEL', `tensor "${t.name}" is ${dataTypeName(t.dataType)}, expected FLOAT`);
  }
  return t as FloatTensor;
}

function checkLength(name: string, dims: readonly number[], length: number): void {
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) {
      throw new WorkersError('BAD_MODEL', `tensor "${name}" has an invalid dimension ${d} in shape [${dims.join(', ')}]`);
    }
  }
  const n = elementCount(dims);
  if (n !== length) {
    throw new WorkersError(
      'BAD_MODEL',
      `tensor "${name}" has shape [${dims.join(', ')}] (${n} elements) but ${length} values`,
    );
  }
}
