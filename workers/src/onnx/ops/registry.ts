import { conv } from './conv.js';
import { add, batchNormalization, clip, dropout, hardSigmoid, hardSwish, identity, mul, relu, sigmoid, softmax } from './elementwise.js';
import { gemm, matMul } from './gemm.js';
import { pad, slice, transpose } from './layout.js';
import type { OpSpec } from './op-spec.js';
import { averagePool, globalAveragePool, maxPool } from './pool.js';
import { constant, dequantizeLinear, quantizeLinear } from './quantize.js';
import { concat, flatten, reshape } from './reshape.js';

const SPECS: readonly OpSpec[] = [
  conv, gemm, matMul, add, mul, relu, clip, sigmoid, batchNormalization, maxPool, averagePool,
  globalAveragePool, flatten, reshape, concat, softmax, identity, dropout, quantizeLinear,
  dequantizeLinear, constant, hardSigmoid, hardSwish, transpose, slice, pad,
];

/** Supported operators of the default ONNX domain, by op type. */
export const OP_SPECS: ReadonlyMap<string, OpSpec> = new Map(SPECS.map((s) => [s.opType, s]));

/** The supported op types, sorted. */
export function supportedOpTypes(): string[] {
  return [...OP_SPECS.keys()].sort();
}
