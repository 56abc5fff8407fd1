import { floatAttr as readFloat } from '../../onnx/attributes.js';
import { floatAttr } from '../emitter.js';
import { dOut, type BackwardContext, type ForwardContext, type GradRule } from './rule.js';

/**
 * BatchNormalization (S. Ioffe and C. Szegedy, "Batch Normalization", ICML 2015).
 *
 * When its scale and bias train, the forward pass normalises with the batch's own statistics
 * (training mode): μ = mean(X), σ² = mean(X²) − μ² over every axis but the channel axis, and
 * Y = γ·(X − μ)/√(σ² + ε) + β — onnxruntime's fused inference kernel fed the batch μ and σ².
 * Both statistics are reductions that read X without writing a tensor of its size; the one-pass
 * variance loses float32 precision only when |μ| ≫ σ (relative error ~1e-7·μ²/σ²), which
 * conv outputs feeding a BN do not reach.
 * The batch μ and σ² are graph outputs, so the caller updates the running statistics between steps.
 *
 * Backward (Ioffe & Szegedy, section 3), with x̂ = (X − μ)·r, r = 1/√(σ² + ε), means over the m
 * values of a channel:
 *   dβ = Σ dY, dγ = Σ dY·x̂ = r·(Σ dY·X − μ·Σ dY),
 *   dX = γr·(dY − mean(dY) − x̂·mean(dY·x̂)).
 * Expanding x̂ makes dX = a·dY + k·X + c with per-channel a = γr, k = −a·r·mean(dY·x̂),
 * c = −k·μ − a·mean(dY): two passes over the activations (a fused per-channel affine map of dY,
 * then + k·X) instead of seven, which is where most of a small CNN's backward time went.
 * When scale and bias are frozen, BN keeps its running statistics (inference mode) and is a fixed
 * per-channel affine map: dX = dY·γ/√(var + ε).
 */
export const batchNormRule: GradRule = {
  opTypes: ['BatchNormalization'],
  forward(ctx) {
    return trainsItself(ctx) ? trainingForward(ctx) : (ctx.e.copy(ctx.node), {});
  },
  backward(ctx) {
    if (!ctx.saved['inv']) return frozenBackward(ctx);
    const { e, node } = ctx;
    const dy = dOut(ctx);
    const x = node.inputs[0]!;
    const { axes, shape, channels } = layout(ctx);
    const { mean, inv } = ctx.saved as Record<'mean' | 'inv', string>;
    const flat = e.ints([-1]);
    const sumDy = e.reduce('ReduceSum', dy, axes, true);
    const sumDyX = e.reduce('ReduceSum', e.op('Mul', [dy, x]), axes, true);
    const sumDyXhat = e.op('Mul', [inv, e.op('Sub', [sumDyX, e.op('Mul', [mean, sumDy])])]);
    const dScale = ctx.needs(1) ? e.op('Reshape', [sumDyXhat, flat]) : undefined;
    const dBias = ctx.needs(2) ? e.op('Reshape', [sumDy, flat]) : undefined;
    if (!ctx.needs(0)) return [undefined, dScale, dBias];
    // 1/m = C / (number of elements of X), at run time.
    const invCount = e.op('Div', [e.scalar(channels), e.op('Cast', [e.op('Size', [x])], { to: e.dtype })]);
    const a = e.op('Mul', [e.op('Reshape', [node.inputs[1]!, e.ints(shape)]), inv]);
    const k = e.op('Neg', [e.op('Mul', [e.op('Mul', [a, inv]), e.op('Mul', [sumDyXhat, invCount])])]);
    const c = e.op('Neg', [e.op('Add', [e.op('Mul', [k, mean]), e.op('Mul', [a, e.op('Mul', [sumDy, invCount])])])]);
    const zeros = e.floats([channels], new Float64Array(channels));
    const ones = e.floats([channels], new Float64Array(channels).fill(1));
    const affine = e.op('BatchNormalization', [dy, e.op('Reshape', [a, flat]), e.op('Reshape', [c, flat]), zeros, ones], {
      epsilon: floatAttr(0),
    });
    return [e.op('Add', [affine, e.op('Mul', [x, k])]), dScale, dBias];
  },
};

/** Whether this BN trains its own scale or bias (then it also uses batch statistics). */
function trainsItself(ctx: ForwardContext): boolean {
  return ctx.requiresGrad(ctx.node.inputs[1]!) || ctx.requiresGrad(ctx.node.inputs[2]!);
}

/** Reduction axes (all but channels), the [1, C, 1, …] statistics shape and C. */
function layout(ctx: ForwardContext): { axes: number[]; shape: number[]; channels: number } {
  const dims = ctx.dims(ctx.node.inputs[0]!);
  const rest = Array.from({ length: dims.length - 2 }, (_, i) => i + 2);
  return { axes: [0, ...rest], shape: [1, dims[1]!, ...rest.map(() => 1)], channels: dims[1]! };
}

function trainingForward(ctx: ForwardContext): Record<string, string> {
  const { e, node } = ctx;
  const [x, scale, bias] = node.inputs as [string, string, string];
  const { axes } = layout(ctx);
  const eps = readFloat(node, 'epsilon', 1e-5);
  const mean = e.reduce('ReduceMean', x, axes, true);
  const invCount = e.op('Div', [e.scalar(layout(ctx).channels), e.op('Cast', [e.op('Size', [x])], { to: e.dtype })]);
  const meanSquare = e.op('Mul', [e.reduce('ReduceSumSquare', x, axes, true), invCount]);
  // Clamped at 0: rounding must not make a constant channel's variance negative.
  const variance = e.op('Relu', [e.op('Sub', [meanSquare, e.op('Mul', [mean, mean])])]);
  const flat = e.ints([-1]);
  const batchMean = e.op('Reshape', [mean, flat]);
  const batchVariance = e.op('Reshape', [variance, flat]);
  e.push({
    name: node.name,
    opType: 'BatchNormalization',
    inputs: [x, scale, bias, batchMean, batchVariance],
    outputs: [node.outputs[0]!],
    attrs: { epsilon: floatAttr(eps) },
  });
  const inv = e.op('Reciprocal', [e.op('Sqrt', [e.op('Add', [variance, e.scalar(eps)])])]);
  return { mean, inv, batchMean, batchVariance };
}

function frozenBackward(ctx: BackwardContext): (string | undefined)[] {
  const { e, node } = ctx;
  const eps = readFloat(node, 'epsilon', 1e-5);
  const std = e.op('Sqrt', [e.op('Add', [node.inputs[4]!, e.scalar(eps)])]);
  const factor = e.op('Reshape', [e.op('Div', [node.inputs[1]!, std]), e.ints(layout(ctx).shape)]);
  return [ctx.needs(0) ? e.op('Mul', [dOut(ctx), factor]) : undefined];
}
