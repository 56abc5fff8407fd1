import { cannotTrain, type GradRule } from './rule.js';
import { addRule, mulRule } from './broadcast.js';
import { clipRule, hardSigmoidRule, hardSwishRule, reluRule, sigmoidRule, softmaxRule } from './activation.js';
import { padRule, sliceRule, transposeRule } from './layout.js';
import { batchNormRule } from './batch-norm.js';
import { convRule } from './conv.js';
import { gemmRule, matMulRule } from './gemm.js';
import { averagePoolRule, globalAveragePoolRule, maxPoolRule } from './pool.js';
import { concatRule, identityRule, reshapeRule } from './reshape.js';
import type { Node } from '../../onnx/model.js';

const RULES: readonly GradRule[] = [
  convRule, gemmRule, matMulRule, addRule, mulRule, reluRule, clipRule, sigmoidRule, softmaxRule,
  batchNormRule, maxPoolRule, averagePoolRule, globalAveragePoolRule, reshapeRule, identityRule, concatRule,
  hardSigmoidRule, hardSwishRule, transposeRule, sliceRule, padRule,
];

const BY_OP: ReadonlyMap<string, GradRule> = new Map(RULES.flatMap((r) => r.opTypes.map((op) => [op, r] as const)));

/** The reverse-mode rule of a node's operator, or an UNSUPPORTED_OP error naming the node. */
export function gradRule(node: Node): GradRule {
  const rule = BY_OP.get(node.opType);
  if (!rule) throw cannotTrain(node, 'no gradient rule for this operator');
  return rule;
}

/** Op types the training engine can differentiate, sorted. */
export function trainableOpTypes(): string[] {
  return [...BY_OP.keys()].sort();
}
