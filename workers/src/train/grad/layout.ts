import { stringAttr } from '../../onnx/attributes.js';
import { sliceAxes } from '../../onnx/ops/layout.js';
import { toNumbers } from '../../onnx/tensor.js';
import { cannotTrain, dOut, type BackwardContext, type GradRule } from './rule.js';

/** Transpose: dX is dY transposed back by the inverse permutation. */
export const transposeRule: GradRule = {
  opTypes: ['Transpose'],
  backward(ctx) {
    const { node } = ctx;
    const rank = ctx.dims(node.inputs[0]!).length;
    const attr = node.attributes['perm'];
    const perm = attr?.type === 'ints' ? attr.value : Array.from({ length: rank }, (_, i) => rank - 1 - i);
    const inverse = new Array<number>(rank);
    perm.forEach((p, i) => (inverse[p] = i));
    return [ctx.e.op('Transpose', [dOut(ctx)], { perm: inverse })];
  },
};

/** Slice with unit steps: dX is dY zero-padded back to X's extent (what the slice dropped gets 0). */
export const sliceRule: GradRule = {
  opTypes: ['Slice'],
  backward(ctx) {
    const { node } = ctx;
    const dims = ctx.dims(node.inputs[0]!);
    const axes = sliceAxes({ node, inputs: [], opset: 13, constant: (i) => ctx.constant(node.inputs[i] ?? '') }, dims);
    if (axes.some((a) => a.step !== 1)) throw cannotTrain(node, 'a slice with steps other than 1');
    const pads = [...axes.map((a) => a.start), ...axes.map((a, i) => dims[i]! - a.start - a.size)];
    return [ctx.e.op('Pad', [dOut(ctx), ctx.e.ints(pads)])];
  },
};

/** Constant-mode Pad: dX is dY with the padding sliced off. */
export const padRule: GradRule = {
  opTypes: ['Pad'],
  backward(ctx: BackwardContext) {
    const { node, e } = ctx;
    const pads = ctx.constant(node.inputs[1] ?? '');
    if (!pads || stringAttr(node, 'mode', 'constant') !== 'constant') throw cannotTrain(node, 'pads that are not constant, or a mode other than constant');
    const p = Array.from(toNumbers(pads));
    if (p.some((v) => v < 0)) throw cannotTrain(node, 'negative pads (cropping)');
    const dims = ctx.dims(node.inputs[0]!);
    const starts = dims.map((_, i) => p[i]!);
    const ends = dims.map((d, i) => p[i]! + d);
    return [e.op('Slice', [dOut(ctx), e.ints(starts), e.ints(ends), e.ints(dims.map((_, i) => i))])];
  },
};
