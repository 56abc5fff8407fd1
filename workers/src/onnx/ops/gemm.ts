import { intAttr } from '../attributes.js';
import type { OpSpec } from './op-spec.js';
import { broadcast, nodeError, product, requireInput } from './shape-utils.js';

/** Gemm: Y = alpha·A'·B' + beta·C, A' [M, K], B' [K, N]. */
export const gemm: OpSpec = {
  opType: 'Gemm',
  inferShapes(ctx) {
    const a = requireInput(ctx, 0, 2);
    const b = requireInput(ctx, 1, 2);
    const [m, ka] = intAttr(ctx.node, 'transA', 0) ? [a.dims[1]!, a.dims[0]!] : [a.dims[0]!, a.dims[1]!];
    const [kb, n] = intAttr(ctx.node, 'transB', 0) ? [b.dims[1]!, b.dims[0]!] : [b.dims[0]!, b.dims[1]!];
    if (ka !== kb) throw nodeError(ctx.node, `inner dimensions differ: A gives ${ka}, B gives ${kb}`);
    const c = ctx.inputs[2];
    if (c) broadcast(ctx.node, c.dims, [m, n]);
    return [{ elemType: a.elemType, dims: [m, n] }];
  },
  macs(ctx, [out]) {
    const a = requireInput(ctx, 0, 2);
    const k = intAttr(ctx.node, 'transA', 0) ? a.dims[0]! : a.dims[1]!;
    return product(out!.dims) * k;
  },
};

/** MatMul with numpy semantics (batched, broadcasting batch dimensions; rank ≥ 2 operands). */
export const matMul: OpSpec = {
  opType: 'MatMul',
  inferShapes(ctx) {
    const a = requireInput(ctx, 0);
    const b = requireInput(ctx, 1);
    if (a.dims.length < 2 || b.dims.length < 2) {
      throw nodeError(ctx.node, 'operands of rank < 2 are not supported');
    }
    const k = a.dims[a.dims.length - 1]!;
    if (k !== b.dims[b.dims.length - 2]) {
      throw nodeError(ctx.node, `inner dimensions differ: [${a.dims.join(', ')}] × [${b.dims.join(', ')}]`);
    }
    const batch = broadcast(ctx.node, a.dims.slice(0, -2), b.dims.slice(0, -2));
    return [{ elemType: a.elemType, dims: [...batch, a.dims[a.dims.length - 2]!, b.dims[b.dims.length - 1]!] }];
  },
  macs(ctx, [out]) {
    const a = requireInput(ctx, 0);
    return product(out!.dims) * a.dims[a.dims.length - 1]!;
  },
};
