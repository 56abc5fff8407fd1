import { intAttr } from '../attributes.js';
import { DataType } from '../model.js';
import { toNumbers } from '../tensor.js';
import type { OpSpec } from './op-spec.js';
import { nodeError, normalizeAxis, product, requireInput } from './shape-utils.js';

/** Flatten: [d0 … d(axis−1)] and [d(axis) … ] collapse into a matrix. */
export const flatten: OpSpec = {
  opType: 'Flatten',
  inferShapes(ctx) {
    const x = requireInput(ctx, 0);
    const rawAxis = intAttr(ctx.node, 'axis', 1);
    const axis = rawAxis === x.dims.length ? rawAxis : normalizeAxis(ctx.node, rawAxis, x.dims.length);
    return [{ elemType: x.elemType, dims: [product(x.dims.slice(0, axis)), product(x.dims.slice(axis))] }];
  },
  macs: () => 0,
  aliasesInput: true,
};

/** Reshape to a constant shape: 0 copies the input dimension (unless allowzero), −1 is inferred. */
export const reshape: OpSpec = {
  opType: 'Reshape',
  inferShapes(ctx) {
    const x = requireInput(ctx, 0);
    const shapeTensor = ctx.constant(1);
    if (!shapeTensor || shapeTensor.dataType !== DataType.INT64) {
      throw nodeError(ctx.node, 'the target shape must be a constant INT64 tensor');
    }
    const allowZero = intAttr(ctx.node, 'allowzero', 0) === 1;
    const target = Array.from(toNumbers(shapeTensor)).map((d, i) => (d === 0 && !allowZero ? x.dims[i]! : d));
    const total = product(x.dims);
    const unknown = target.indexOf(-1);
    if (unknown >= 0) {
      const known = product(target.filter((_, i) => i !== unknown));
      if (known === 0 || total % known !== 0) throw nodeError(ctx.node, `cannot reshape [${x.dims}] to [${target}]`);
      target[unknown] = total / known;
    }
    if (product(target) !== total || target.some((d) => d < 0)) {
      throw nodeError(ctx.node, `cannot reshape [${x.dims.join(', ')}] to [${target.join(', ')}]`);
    }
    return [{ elemType: x.elemType, dims: target }];
  },
  macs: () => 0,
  aliasesInput: true,
};

/** Concat along one axis; the other dimensions must agree. */
export const concat: OpSpec = {
  opType: 'Concat',
  inferShapes(ctx) {
    const first = requireInput(ctx, 0);
    const axis = normalizeAxis(ctx.node, intAttr(ctx.node, 'axis', 1), first.dims.length);
    const dims = [...first.dims];
    for (let i = 1; i < ctx.inputs.length; i++) {
      const d = requireInput(ctx, i).dims;
      if (d.length !== dims.length || d.some((v, j) => j !== axis && v !== dims[j])) {
        throw nodeError(ctx.node, `input ${i} [${d.join(', ')}] does not match [${first.dims.join(', ')}] off axis ${axis}`);
      }
      dims[axis]! += d[axis]!;
    }
    return [{ elemType: first.elemType, dims }];
  },
  macs: () => 0,
};
