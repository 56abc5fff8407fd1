import { WorkersError } from '../errors.js';
import { dtypeSize, shapeSize, type NdArray, type NdData, type NdDType } from './nd-array.js';

/*
 * IDX, the file format of MNIST (Y. LeCun, C. Cortes, C. Burges, http://yann.lecun.com/exdb/mnist/,
 * "FILE FORMATS FOR THE MNIST DATABASE"): a 4-byte magic `00 00 <type> <ndim>`, ndim big-endian
 * uint32 dimensions, then the data in C order, big-endian. MNIST images are 0x00000803 (uint8,
 * [N, 28, 28]) and labels 0x00000801 (uint8, [N]).
 */

/** IDX type codes from the format description. */
const IDX_TYPES: ReadonlyMap<number, NdDType> = new Map([
  [0x08, 'uint8'],
  [0x09, 'int8'],
  [0x0b, 'int16'],
  [0x0c, 'int32'],
  [0x0d, 'float32'],
  [0x0e, 'float64'],
]);

/** Parses an IDX file. Throws `BAD_DATASET` naming `fileName` and the problem. */
export function parseIdx(bytes: Uint8Array, fileName: string): NdArray {
  const fail = (problem: string): never => {
    throw new WorkersError('BAD_DATASET', `${fileName}: ${problem}`, { file: fileName });
  };
  if (bytes.length < 4) fail(`truncated IDX header: ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail(`wrong magic 0x${hex(magic)}: an IDX file starts with 00 00 <type> <ndim>`);
  const dtype = IDX_TYPES.get(bytes[2]!) ?? fail(`unsupported IDX type code 0x${hex(bytes[2]!, 2)} in magic 0x${hex(magic)}`);
  const ndim = bytes[3]!;
  if (ndim === 0) fail(`magic 0x${hex(magic)} declares 0 dimensions`);
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) fail(`truncated IDX header: ${bytes.length} bytes, ${ndim} dimensions need ${headerBytes}`);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = dtypeSize(dtype);
  const expected = shapeSize(shape) * size;
  const actual = bytes.length - headerBytes;
  if (actual < expected) fail(`truncated data: shape [${shape.join(', ')}] ${dtype} needs ${expected} bytes, file has ${actual}`);
  if (actual > expected) fail(`${actual - expected} unexpected bytes after the data of shape [${shape.join(', ')}]`);
  return { dtype, shape, data: readBigEndian(dtype, view, headerBytes, shapeSize(shape)) };
}

/** Writes an array as IDX (types uint8, int8, int16, int32, float32, float64). */
export function encodeIdx(array: NdArray): Uint8Array {
  const code = [...IDX_TYPES].find(([, t]) => t === array.dtype)?.[0];
  if (code === undefined) throw new WorkersError('BAD_ARGUMENT', `IDX has no ${array.dtype} type; use uint8, int8, int16, int32, float32 or float64`);
  const header = 4 + 4 * array.shape.length;
  const size = dtypeSize(array.dtype);
  const out = new Uint8Array(header + array.data.length * size);
  const view = new DataView(out.buffer);
  view.setUint32(0, (code << 8) | array.shape.length, false);
  array.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < array.data.length; i++) {
    const at = header + i * size;
    const v = Number(array.data[i]);
    switch (array.dtype) {
      case 'uint8':
        view.setUint8(at, v);
        break;
      case 'int8':
        view.setInt8(at, v);
        break;
      case 'int16':
        view.setInt16(at, v, false);
        break;
      case 'int32':
        view.setInt32(at, v, false);
        break;
      case 'float32':
        view.setFloat32(at, v, false);
        break;
      default:
        view.setFloat64(at, v, false);
    }
  }
  return out;
}

function readBigEndian(dtype: NdDType, view: DataView, offset: number, count: number): NdData {
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int8':
      return new Int8Array(view.buffer.slice(view.byteOffset + offset, view.byteOffset + offset + count));
    case 'int16':
      return Int16Array.from({ length: count }, (_, i) => view.getInt16(offset + 2 * i, false));
    case 'int32':
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(offset + 4 * i, false));
    case 'float32':
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(offset + 4 * i, false));
    case 'float64':
      return Float64Array.from({ length: count }, (_, i) => view.getFloat64(offset + 8 * i, false));
    default:
      // IDX_TYPES holds no other type.
      throw new WorkersError('BAD_DATASET', `IDX type ${dtype} is not readable`);
  }
}

function hex(value: number, digits = 8): string {
  return value.toString(16).padStart(digits, '0');
}
