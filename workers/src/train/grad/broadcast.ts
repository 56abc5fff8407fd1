import type { Emitter } from '../emitter.js';
import { dOut, type GradRule } from './rule.js';

/**
 * The gradient of a value broadcast from `to` to `from` (numpy rules): the sum of `g` over every
 * axis the value was repeated along, reshaped to the value's own rank.
 */
export function reduceTo(e: Emitter, g: string, from: readonly number[], to: readonly number[]): string {
  const offset = from.length - to.length;
  const axes: number[] = [];
  for (let i = 0; i < from.length; i++) {
    const target = i < offset ? 1 : to[i - offset]!;
    if (target === 1 && from[i] !== 1) axes.push(i);
  }
  const summed = axes.length > 0 ? e.reduce('ReduceSum', g, axes, true) : g;
  return offset > 0 ? e.op('Reshape', [summed, e.ints(to)]) : summed;
}

/** Add, Y = A + B (broadcasting): dA = reduce(dY), dB = reduce(dY). */
export const addRule: GradRule = {
  opTypes: ['Add'],
  backward(ctx) {
    const dy = dOut(ctx);
    const yDims = ctx.dims(ctx.node.outputs[0]!);
    return ctx.node.inputs.map((x, i) => (ctx.needs(i) ? reduceTo(ctx.e, dy, yDims, ctx.dims(x)) : undefined));
  },
};

/** Mul, Y = A · B (broadcasting): dA = reduce(dY · B), dB = reduce(dY · A). */
export const mulRule: GradRule = {
  opTypes: ['Mul'],
  backward(ctx) {
    const dy = dOut(ctx);
    const [a, b] = ctx.node.inputs as [string, string];
    const yDims = ctx.dims(ctx.node.outputs[0]!);
    const da = ctx.needs(0) ? reduceTo(ctx.e, ctx.e.op('Mul', [dy, b]), yDims, ctx.dims(a)) : undefined;
    const db = ctx.needs(1) ? reduceTo(ctx.e, ctx.e.op('Mul', [dy, a]), yDims, ctx.dims(b)) : undefined;
    return [da, db];
  },
};
