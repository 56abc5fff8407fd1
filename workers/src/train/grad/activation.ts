import { cannotTrain, dOut, type GradRule } from './rule.js';

/**
 * Relu: dX = dY · [Y > 0] (the kink at 0 gets 0, as in PyTorch). Multiplying by the cast mask
 * runs about twice as fast in onnxruntime as Where.
 */
export const reluRule: GradRule = {
  opTypes: ['Relu'],
  backward(ctx) {
    const { e } = ctx;
    const mask = e.op('Cast', [e.op('Greater', [ctx.node.outputs[0]!, e.scalar(0)])], { to: e.dtype });
    return [e.op('Mul', [dOut(ctx), mask])];
  },
};

/**
 * Clip (bounds as inputs, opset ≥ 11): dX = dY where min < X < max, else 0. At a bound itself
 * the gradient is 0. The bounds get no gradient: they are constants in every Frontier model.
 */
export const clipRule: GradRule = {
  opTypes: ['Clip'],
  backward(ctx) {
    const { e, node } = ctx;
    if (ctx.needs(1) || ctx.needs(2)) throw cannotTrain(node, 'its bounds depend on trainable parameters');
    if ('min' in node.attributes || 'max' in node.attributes) throw cannotTrain(node, 'bounds as attributes (opset < 11)');
    const x = node.inputs[0]!;
    const [, min, max] = node.inputs;
    const masks: string[] = [];
    if (min) masks.push(e.op('Greater', [x, min]));
    if (max) masks.push(e.op('Less', [x, max]));
    const dy = dOut(ctx);
    if (masks.length === 0) return [dy];
    const mask = masks.length === 1 ? masks[0]! : e.op('And', masks);
    return [e.op('Where', [mask, dy, e.scalar(0)])];
  },
};

/** Sigmoid: dX = dY · Y · (1 − Y). */
export const sigmoidRule: GradRule = {
  opTypes: ['Sigmoid'],
  backward(ctx) {
    const { e } = ctx;
    const y = ctx.node.outputs[0]!;
    const slope = e.op('Mul', [y, e.op('Sub', [e.scalar(1), y])]);
    return [e.op('Mul', [dOut(ctx), slope])];
  },
};

/** Softmax along `axis`: dX = Y · (dY − Σ_axis dY · Y). */
export const softmaxRule: GradRule = {
  opTypes: ['Softmax'],
  backward(ctx) {
    const { e, node } = ctx;
    const y = node.outputs[0]!;
    const rank = ctx.dims(y).length;
    const raw = node.attributes['axis']?.type === 'int' ? node.attributes['axis'].value : -1;
    const axis = raw < 0 ? raw + rank : raw;
    const dy = dOut(ctx);
    const dot = e.reduce('ReduceSum', e.op('Mul', [dy, y]), [axis], true);
    return [e.op('Mul', [y, e.op('Sub', [dy, dot])])];
  },
};
