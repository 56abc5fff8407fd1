import { intAttr } from '../attributes.js';
import { DataType } from '../model.js';
import type { OpSpec, ShapeContext, TensorInfo } from './op-spec.js';
import { broadcast, nodeError, normalizeAxis, requireInput } from './shape-utils.js';

const sameAsInput = (ctx: ShapeContext): TensorInfo[] => [requireInput(ctx, 0)];
const noMacs = (): number => 0;

function unary(opType: string, aliasesInput = false): OpSpec {
  return { opType, inferShapes: sameAsInput, macs: noMacs, aliasesInput };
}

function binary(opType: string): OpSpec {
  return {
    opType,
    inferShapes(ctx) {
      const a = requireInput(ctx, 0);
      const b = requireInput(ctx, 1);
      return [{ elemType: a.elemType, dims: broadcast(ctx.node, a.dims, b.dims) }];
    },
    macs: noMacs,
  };
}

export const add = binary('Add');
export const mul = binary('Mul');
export const relu = unary('Relu');
export const clip = unary('Clip');
export const sigmoid = unary('Sigmoid');
export const identity = unary('Identity', true);

/** Softmax over one axis; the shape is unchanged. */
export const softmax: OpSpec = {
  opType: 'Softmax',
  inferShapes(ctx) {
    const x = requireInput(ctx, 0);
    normalizeAxis(ctx.node, intAttr(ctx.node, 'axis', ctx.opset >= 13 ? -1 : 1), x.dims.length);
    return [x];
  },
  macs: noMacs,
};

/** Dropout is the identity at inference; its optional mask output is boolean. */
export const dropout: OpSpec = {
  opType: 'Dropout',
  inferShapes(ctx) {
    const x = requireInput(ctx, 0);
    return ctx.node.outputs.length > 1 ? [x, { elemType: DataType.BOOL, dims: x.dims }] : [x];
  },
  macs: noMacs,
  aliasesInput: true,
};

/** BatchNormalization in inference mode: Y has X's shape; scale, B, mean and var are [C]. */
export const batchNormalization: OpSpec = {
  opType: 'BatchNormalization',
  inferShapes(ctx) {
    const x = requireInput(ctx, 0);
    if (intAttr(ctx.node, 'training_mode', 0) === 1 || ctx.node.outputs.filter((o) => o !== '').length > 1) {
      throw nodeError(ctx.node, 'training-mode BatchNormalization is not supported in a model file');
    }
    const c = x.dims[1];
    for (let i = 1; i <= 4; i++) {
      const p = requireInput(ctx, i);
      if (p.dims.length !== 1 || p.dims[0] !== c) {
        throw nodeError(ctx.node, `input ${i} must have shape [${c}], got [${p.dims.join(', ')}]`);
      }
    }
    return [x];
  },
  macs: noMacs,
};

/** HardSigmoid: max(0, min(1, alpha·x + beta)); shape unchanged. */
export const hardSigmoid = unary('HardSigmoid');
/** HardSwish (opset 14): x · HardSigmoid(x) with alpha 1/6, beta 1/2; shape unchanged. */
export const hardSwish = unary('HardSwish');
