import { intAttr, intsAttr } from '../attributes.js';
import type { OpSpec } from './op-spec.js';
import { nodeError, requireInput } from './shape-utils.js';
import { window2d } from './window.js';

/** Conv (2-D, with groups, strides, pads, dilations): X [N, C, H, W], W [M, C/group, kH, kW]. */
export const conv: OpSpec = {
  opType: 'Conv',
  inferShapes(ctx) {
    const x = requireInput(ctx, 0, 4);
    const w = requireInput(ctx, 1, 4);
    const group = intAttr(ctx.node, 'group', 1);
    const [n, c, h, wd] = x.dims as [number, number, number, number];
    const [m, cPerGroup, kh, kw] = w.dims as [number, number, number, number];
    if (group < 1 || c % group !== 0 || m % group !== 0 || c / group !== cPerGroup) {
      throw nodeError(ctx.node, `input has ${c} channels but weight [${w.dims.join(', ')}] with group ${group} expects ${cPerGroup * group}`);
    }
    const kernel = intsAttr(ctx.node, 'kernel_shape', [kh, kw]) ?? [kh, kw];
    if (kernel[0] !== kh || kernel[1] !== kw) throw nodeError(ctx.node, 'kernel_shape does not match the weight');
    const b = ctx.inputs[2];
    if (b && (b.dims.length !== 1 || b.dims[0] !== m)) throw nodeError(ctx.node, `bias must have shape [${m}]`);
    const win = window2d(ctx.node, h, wd, kernel);
    return [{ elemType: x.elemType, dims: [n, m, win.outH, win.outW] }];
  },
  macs(ctx, [out]) {
    const w = requireInput(ctx, 1, 4);
    const [, cPerGroup, kh, kw] = w.dims as [number, number, number, number];
    const [n, m, oh, ow] = out!.dims as [number, number, number, number];
    return n * m * oh * ow * cPerGroup * kh * kw;
  },
};
