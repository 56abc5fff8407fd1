import { roundHalfEven } from './quant-params.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The IEEE 754 binary16 value nearest to a float32 (ties to even), returned as a number: 10
 * fraction bits, exponents −14 … 15, subnormals down to 2^−24, overflow to ±∞ from 65520 up.
 */
export function roundToHalf(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  if (a >= 65520) return Math.sign(x) * Infinity;
  f32[0] = a;
  const exponent = Math.max(-14, ((u32[0]! >>> 23) & 0xff) - 127);
  const quantum = 2 ** (exponent - 10);
  return Math.sign(x) * roundHalfEven(a / quantum) * quantum;
}
