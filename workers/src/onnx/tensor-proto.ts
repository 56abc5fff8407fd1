import { WorkersError } from '../errors.js';
import { DataType, type Tensor, type TensorData } from './model.js';
import { allocate, bitsPerElement, dataTypeName, elementCount, isKnownDataType } from './tensor.js';

/** Largest tensor Frontier reads: 2³¹ − 1 elements, the most a typed array holds on every platform. */
const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * `onnx.TensorProto` as protobufjs produces it with `toObject({ longs: String })`, and as
 * `fromObject` accepts it. Only the fields Frontier uses.
 */
export interface TensorProtoObject {
  name?: string;
  dims?: (string | number)[];
  data_type?: number;
  raw_data?: Uint8Array;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: (string | number)[];
  double_data?: number[];
  uint64_data?: (string | number)[];
  string_data?: Uint8Array[];
  data_location?: number;
}

/** Decodes a TensorProto into a typed tensor; `where` names its place for error messages. */
export function decodeTensor(p: TensorProtoObject, where: string): Tensor {
  const name = p.name ?? '';
  const label = `${where} "${name}"`;
  if (p.data_location === 1) {
    throw new WorkersError('BAD_MODEL', `${label} keeps its data in an external file, which Frontier does not read`);
  }
  const code = p.data_type ?? 0;
  if (!isKnownDataType(code)) {
    throw new WorkersError('BAD_MODEL', `${label} has unsupported data type ${dataTypeName(code)}`);
  }
  const dims = (p.dims ?? []).map(Number);
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new WorkersError('BAD_MODEL', `${label} has an invalid dimension ${d}`);
    }
  }
  const count = elementCount(dims);
  if (!Number.isSafeInteger(count) || count > MAX_ELEMENTS) {
    throw new WorkersError('BAD_MODEL', `${label} has an impossible size: shape [${dims.join(', ')}] is ${count.toExponential(3)} elements`);
  }
  const data = p.raw_data && p.raw_data.length > 0 ? fromRaw(code, p.raw_data, count, label) : fromTyped(code, p, count, label);
  if (data.length !== count) {
    throw new WorkersError('BAD_MODEL', `${label} has shape [${dims.join(', ')}] (${count} elements) but ${data.length} values`);
  }
  return { name, dataType: code, dims, data };
}

/** Encodes a tensor; numeric data goes into `raw_data` (little-endian, 4-bit types packed). */
export function encodeTensor(t: Tensor): TensorProtoObject {
  const base = { name: t.name, dims: t.dims.map((d) => d), data_type: t.dataType };
  if (t.dataType === DataType.STRING) {
    const enc = new TextEncoder();
    return { ...base, string_data: (t.data as string[]).map((s) => enc.encode(s)) };
  }
  if (t.dataType === DataType.INT4 || t.dataType === DataType.UINT4) {
    return { ...base, raw_data: packNibbles(t.data as Int8Array | Uint8Array) };
  }
  const view = t.data as Exclude<TensorData, string[]>;
  return { ...base, raw_data: new Uint8Array(view.buffer, view.byteOffset, view.byteLength) };
}

/**
 * Packs 4-bit values two per byte, the first element in the low nibble (ONNX's INT4/UINT4 layout).
 */
export function packNibbles(values: Int8Array | Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(values.length / 2));
  for (let i = 0; i < values.length; i++) {
    const nibble = values[i]! & 0x0f;
    out[i >> 1]! |= i & 1 ? nibble << 4 : nibble;
  }
  return out;
}

/** Unpacks `count` 4-bit values; `signed` sign-extends each nibble (INT4). */
export function unpackNibbles(packed: Uint8Array, count: number, signed: boolean): Int8Array | Uint8Array {
  const out = signed ? new Int8Array(count) : new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const byte = packed[i >> 1] ?? 0;
    const nibble = i & 1 ? byte >> 4 : byte & 0x0f;
    out[i] = signed && nibble >= 8 ? nibble - 16 : nibble;
  }
  return out;
}

function fromRaw(code: DataType, raw: Uint8Array, count: number, label: string): TensorData {
  if (code === DataType.STRING) {
    throw new WorkersError('BAD_MODEL', `${label}: STRING tensors cannot use raw_data`);
  }
  if (code === DataType.INT4 || code === DataType.UINT4) {
    if (raw.length !== Math.ceil(count / 2)) {
      throw new WorkersError('BAD_MODEL', `${label} needs ${Math.ceil(count / 2)} packed bytes, has ${raw.length}`);
    }
    return unpackNibbles(raw, count, code === DataType.INT4);
  }
  // Checked before allocating: a shape claiming far more than the bytes present must not allocate it.
  const expected = (count * bitsPerElement(code)) / 8;
  if (raw.length !== expected) {
    throw new WorkersError(
      'BAD_MODEL',
      `${label} has ${raw.length} bytes of raw data, expected ${expected} for ${count} ${dataTypeName(code)} elements`,
    );
  }
  const out = allocate(code, count) as Exclude<TensorData, string[]>;
  // Copy into fresh (aligned) storage: the protobuf buffer may start at any byte offset.
  new Uint8Array(out.buffer).set(raw);
  return out;
}

function fromTyped(code: DataType, p: TensorProtoObject, count: number, label: string): TensorData {
  switch (code) {
    case DataType.FLOAT:
      return Float32Array.from(p.float_data ?? []);
    case DataType.DOUBLE:
      return Float64Array.from(p.double_data ?? []);
    case DataType.INT64:
      return BigInt64Array.from(p.int64_data ?? [], (v) => BigInt(v));
    case DataType.UINT32:
    case DataType.UINT64:
      return code === DataType.UINT64
        ? BigUint64Array.from(p.uint64_data ?? [], (v) => BigInt(v))
        : Uint32Array.from(p.uint64_data ?? [], Number);
    case DataType.STRING: {
      const dec = new TextDecoder();
      return (p.string_data ?? []).map((b) => dec.decode(b));
    }
    case DataType.INT4:
    case DataType.UINT4: {
      // int32_data holds the packed bytes, one per int32.
      const packed = Uint8Array.from(p.int32_data ?? []);
      return unpackNibbles(packed, count, code === DataType.INT4);
    }
    default: {
      // INT8/UINT8/INT16/UINT16/INT32/BOOL/FLOAT16/BFLOAT16 are stored one per int32_data entry.
      const out = allocate(code, (p.int32_data ?? []).length) as Exclude<TensorData, string[] | BigInt64Array | BigUint64Array>;
      out.set(p.int32_data ?? []);
      if (out.length !== count) {
        throw new WorkersError('BAD_MODEL', `${label} has ${out.length} values, expected ${count}`);
      }
      return out;
    }
  }
}
