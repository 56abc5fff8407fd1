import { WorkersError } from '../errors.js';
import { dtypeSize, shapeSize, typedArrayOf, type NdArray, type NdDType } from './nd-array.js';

/*
 * NumPy's `.npy` format (NEP 1, "A simple file format for NumPy arrays";
 * https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html): the magic `\x93NUMPY`,
 * a major and minor version byte, the header length (uint16 LE in v1, uint32 LE in v2 and v3),
 * a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with
 * spaces and a newline (latin-1 in v1/v2, UTF-8 in v3), then the raw data.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** `descr` kind+size → dtype. Byte order is checked separately (little-endian or `|` only). */
const NPY_TYPES: ReadonlyMap<string, NdDType> = new Map([
  ['u1', 'uint8'],
  ['i1', 'int8'],
  ['u2', 'uint16'],
  ['i2', 'int16'],
  ['u4', 'uint32'],
  ['i4', 'int32'],
  ['u8', 'uint64'],
  ['i8', 'int64'],
  ['f4', 'float32'],
  ['f8', 'float64'],
]);

/** True when `bytes` starts with the `.npy` magic. */
export function isNpy(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Parses a `.npy` file (versions 1, 2 and 3; little-endian numeric dtypes; C order). Throws
 * `BAD_DATASET` naming `fileName` and the problem — Fortran order, big-endian or structured data,
 * an unknown dtype, truncation.
 */
export function parseNpy(bytes: Uint8Array, fileName: string): NdArray {
  const fail = (problem: string): never => {
    throw new WorkersError('BAD_DATASET', `${fileName}: ${problem}`, { file: fileName });
  };
  if (!isNpy(bytes)) fail('wrong magic: a .npy file starts with \\x93NUMPY');
  if (bytes.length < 10) fail(`truncated .npy header: ${bytes.length} bytes`);
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`unsupported .npy version ${major}.${bytes[7]}; versions 1, 2 and 3 are read`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) fail(`truncated .npy header: ${bytes.length} bytes`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes;
  if (bytes.length < start + headerLength) fail(`truncated .npy header: ${bytes.length} bytes, header ends at ${start + headerLength}`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLength));
  const { dtype, shape } = parseHeader(header, fail);
  const expected = shapeSize(shape) * dtypeSize(dtype);
  const dataStart = start + headerLength;
  const actual = bytes.length - dataStart;
  if (actual < expected) fail(`truncated data: shape (${shape.join(', ')}) ${dtype} needs ${expected} bytes, file has ${actual}`);
  if (actual > expected) fail(`${actual - expected} unexpected bytes after the data of shape (${shape.join(', ')})`);
  // typedArrayOf copies, so a header length that leaves the data unaligned does not matter.
  return { dtype, shape, data: typedArrayOf(dtype, bytes.subarray(dataStart)) };
}

function parseHeader(header: string, fail: (problem: string) => never): { dtype: NdDType; shape: number[] } {
  if (/'descr'\s*:\s*\[/.test(header)) fail('structured dtypes are not supported; save a plain numeric array');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1] ?? fail(`no 'descr' in header ${JSON.stringify(header.trim())}`);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1] ?? fail(`no 'fortran_order' in header ${JSON.stringify(header.trim())}`);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? fail(`no 'shape' in header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') {
    fail('Fortran-order (column-major) arrays are not supported; save np.ascontiguousarray(a) instead');
  }
  const order = descr[0];
  const dtype = NPY_TYPES.get(descr.slice(1));
  if (dtype === undefined || (order !== '<' && order !== '|' && order !== '>')) {
    fail(`unsupported dtype '${descr}'; supported: uint8/int8/(u)int16/(u)int32/(u)int64/float32/float64, little-endian`);
  }
  if (order === '>' && dtypeSize(dtype) > 1) fail(`big-endian dtype '${descr}' is not supported; save with a '<' dtype`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^\d+L?$/.test(s) ? Number.parseInt(s, 10) : fail(`bad shape (${shapeText})`)));
  return { dtype: dtype, shape };
}

/** Writes an array as a version-1 `.npy` file (little-endian, C order), header padded to 64 bytes as NumPy does. */
export function encodeNpy(array: NdArray): Uint8Array {
  const code = [...NPY_TYPES].find(([, t]) => t === array.dtype)![0];
  const descr = `${dtypeSize(array.dtype) === 1 ? '|' : '<'}${code}`;
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const pad = (64 - ((10 + header.length + 1) % 64)) % 64;
  header += ' '.repeat(pad) + '\n';
  if (header.length > 0xffff) throw new WorkersError('BAD_ARGUMENT', `shape [${array.shape.join(', ')}] makes a .npy v1 header too long`);
  const data = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(10 + header.length + data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}
