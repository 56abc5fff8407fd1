import { floatAttr as readFloat, intAttr } from '../../onnx/attributes.js';
import { floatAttr } from '../emitter.js';
import { reduceTo } from './broadcast.js';
import { cannotTrain, dOut, type GradRule } from './rule.js';

/**
 * Gemm, Y = α·A'·B' + β·C with A' = transA ? Aᵀ : A and B' likewise. With dA' = α·dY·B'ᵀ and
 * dB' = α·A'ᵀ·dY, each gradient is one Gemm whose trans flags absorb the transposes:
 * dA = transA ? α·B'·dYᵀ : α·dY·B'ᵀ, dB = transB ? α·dYᵀ·A' : α·A'ᵀ·dY, and dC = β·dY summed
 * over the axes C is broadcast along.
 */
export const gemmRule: GradRule = {
  opTypes: ['Gemm'],
  backward(ctx) {
    const { e, node } = ctx;
    const dy = dOut(ctx);
    const [a, b, c] = node.inputs as [string, string, string | undefined];
    const transA = intAttr(node, 'transA', 0) === 1;
    const transB = intAttr(node, 'transB', 0) === 1;
    const alpha = readFloat(node, 'alpha', 1);
    const beta = readFloat(node, 'beta', 1);
    const gemm = (x: string, y: string, tx: boolean, ty: boolean) =>
      e.op('Gemm', [x, y], { alpha: floatAttr(alpha), transA: tx ? 1 : 0, transB: ty ? 1 : 0 });
    let da: string | undefined;
    let db: string | undefined;
    if (ctx.needs(0)) da = transA ? gemm(b, dy, transB, true) : gemm(dy, b, false, !transB);
    if (ctx.needs(1)) db = transB ? gemm(dy, a, true, transA) : gemm(a, dy, !transA, false);
    let dc: string | undefined;
    if (c && ctx.needs(2)) {
      const scaled = beta === 1 ? dy : e.op('Mul', [dy, e.scalar(beta)]);
      dc = reduceTo(e, scaled, ctx.dims(node.outputs[0]!), ctx.dims(c));
    }
    return [da, db, dc];
  },
};

/**
 * MatMul with a 2-D right operand, Y = A·B, A [..., K], B [K, M]: dA = dY·Bᵀ and
 * dB = A₂ᵀ·dY₂ with the leading axes of A and dY folded into rows.
 */
export const matMulRule: GradRule = {
  opTypes: ['MatMul'],
  backward(ctx) {
    const { e, node } = ctx;
    const dy = dOut(ctx);
    const [a, b] = node.inputs as [string, string];
    const aDims = ctx.dims(a);
    const bDims = ctx.dims(b);
    if (bDims.length !== 2 || aDims.length < 2) {
      throw cannotTrain(node, `only A [..., K] · B [K, M] is supported, got [${aDims.join(', ')}] · [${bDims.join(', ')}]`);
    }
    const [k, m] = bDims as [number, number];
    let da: string | undefined;
    let db: string | undefined;
    if (ctx.needs(0)) {
      da = aDims.length === 2 ? e.op('Gemm', [dy, b], { transB: 1 }) : e.op('MatMul', [dy, e.op('Transpose', [b], { perm: [1, 0] })]);
    }
    if (ctx.needs(1)) {
      const a2 = aDims.length === 2 ? a : e.op('Reshape', [a, e.ints([-1, k])]);
      const dy2 = aDims.length === 2 ? dy : e.op('Reshape', [dy, e.ints([-1, m])]);
      db = e.op('Gemm', [a2, dy2], { transA: 1 });
    }
    return [da, db];
  },
};
