import { WorkersError } from '../errors.js';

/** A weight tensor as the deploy format sees it. */
export interface WeightShape {
  /** Number of elements. */
  readonly elements: number;
  /** Bits per stored value: 1–8 for quantized codes, 16 for half, 32 for float. */
  readonly bits: number;
  /** Elements that are not zero (for quantized codes: not the zero point). Default `elements`. */
  readonly nonzero?: number;
}

/** Which layout `deployWeightBytes` chose for a tensor. */
export type WeightFormat = 'dense' | 'bitmap';

/**
 * Bytes a weight tensor needs on a device: the smaller of two lossless layouts.
 *
 * - `dense`: every value packed at `bits` bits, `⌈elements·bits / 8⌉` bytes (two 4-bit values per
 *   byte, eight 1-bit values per byte). A 1-bit code holds only ±1, so a 1-bit tensor with zeros
 *   cannot be dense.
 * - `bitmap`: a presence bitmap of one bit per element, then only the nonzero values packed at
 *   `bits`: `⌈elements / 8⌉ + ⌈nonzero·bits / 8⌉` bytes. It wins once the share of zeros exceeds
 *   1 / bits (an eighth of the weights at 8 bits, a thirty-second at 32).
 *
 * Kernels and the device memory model use this one function, so a candidate's `deployBytes` and
 * a device's flash figure agree.
 */
export function deployWeightBytes(weight: WeightShape): number {
  return weightStorage(weight).bytes;
}

/** `deployWeightBytes` with the layout it chose. */
export function weightStorage(weight: WeightShape): { bytes: number; format: WeightFormat } {
  const { elements, bits } = weight;
  const nonzero = weight.nonzero ?? elements;
  if (!Number.isSafeInteger(elements) || elements < 0) {
    throw new WorkersError('BAD_ARGUMENT', `elements must be an integer ≥ 0, got ${elements}`);
  }
  if (!Number.isInteger(bits) || bits < 1 || bits > 64) throw new WorkersError('BAD_ARGUMENT', `bits must be an integer in [1, 64], got ${bits}`);
  if (!Number.isSafeInteger(nonzero) || nonzero < 0 || nonzero > elements) {
    throw new WorkersError('BAD_ARGUMENT', `nonzero must be an integer in [0, ${elements}], got ${nonzero}`);
  }
  const bitmap = Math.ceil(elements / 8) + Math.ceil((nonzero * bits) / 8);
  const denseAllowed = bits > 1 || nonzero === elements;
  const dense = Math.ceil((elements * bits) / 8);
  return denseAllowed && dense <= bitmap ? { bytes: dense, format: 'dense' } : { bytes: bitmap, format: 'bitmap' };
}

/**
 * Bits needed to store integer codes losslessly, given the zero point of each code
 * (`zeroPointOf(i)`): codes are stored as offsets from the smallest one, so the width is
 * ⌈log2(max − min + 1)⌉ over all codes (the zero point included, a dense tensor stores it). When
 * every non-zero-point code is exactly one step from its zero point (binary ±1 weights), 1 bit
 * suffices: the bitmap layout records the zeros. Never more than `containerBits`.
 */
export function integerCodeBits(codes: ArrayLike<number | bigint>, zeroPointOf: (i: number) => number, containerBits: number): number {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < codes.length; i++) {
    const d = Number(codes[i]) - zeroPointOf(i);
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  // Every code within one step of its zero point: ±1 values, zeros left to the bitmap layout.
  if (lo >= -1 && hi <= 1) return 1;
  return Math.min(containerBits, Math.ceil(Math.log2(hi - lo + 1)));
}
