import { intAttr } from '../../onnx/attributes.js';
import { cannotTrain, dOut, type GradRule } from './rule.js';

/** Flatten and Reshape move no numbers: dX is dY reshaped to X's (runtime) shape. */
export const reshapeRule: GradRule = {
  opTypes: ['Flatten', 'Reshape'],
  backward(ctx) {
    const x = ctx.node.inputs[0]!;
    return [ctx.e.op('Reshape', [dOut(ctx), ctx.e.op('Shape', [x])])];
  },
};

/**
 * Identity, and Dropout as it runs in a training graph: without its training_mode input ONNX
 * Dropout is the identity, so Frontier trains without dropout (regularisation comes from weight
 * decay and data augmentation).
 */
export const identityRule: GradRule = {
  opTypes: ['Identity', 'Dropout'],
  backward(ctx) {
    return [dOut(ctx)];
  },
};

/** Concat: dY is split back into the inputs' extents along the axis. */
export const concatRule: GradRule = {
  opTypes: ['Concat'],
  backward(ctx) {
    const { e, node } = ctx;
    const rank = ctx.dims(node.outputs[0]!).length;
    const raw = intAttr(node, 'axis', 0);
    const axis = raw < 0 ? raw + rank : raw;
    if (axis === 0) throw cannotTrain(node, 'concatenation along the batch axis');
    const sizes = node.inputs.map((x) => ctx.dims(x)[axis]!);
    const parts = e.opMulti('Split', [dOut(ctx), e.ints(sizes)], sizes.length, { axis });
    return parts.map((p, i) => (ctx.needs(i) ? p : undefined));
  },
};
