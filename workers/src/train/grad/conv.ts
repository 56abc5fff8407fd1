import { intAttr } from '../../onnx/attributes.js';
import { window2d } from '../../onnx/ops/window.js';
import { dOut, type BackwardContext, type GradRule } from './rule.js';
import { transposeAttributes } from './transpose-geometry.js';

/**
 * Conv, Y = conv(X, W) + B with X [N, C, H, W], W [M, C/g, kH, kW], any strides, pads, dilations
 * and groups g:
 * - dX is the adjoint of the convolution: ConvTranspose(dY, W) with the same strides, pads,
 *   dilations and groups (W's layout [M, C/g, kH, kW] is exactly ConvTranspose's).
 * - dW[m, c, i, j] = Σ_{n, oh, ow} dY[n, m, oh, ow] · Xpad[n, g(m)·C/g + c, oh·s + i·d, ow·s + j·d]
 *   is itself a convolution of X (batch and channel axes swapped) by dY, with the roles of strides
 *   and dilations swapped, cut to the kernel size.
 * - dB = Σ_{n, oh, ow} dY.
 */
export const convRule: GradRule = {
  opTypes: ['Conv'],
  backward(ctx) {
    const { node } = ctx;
    const dy = dOut(ctx);
    const [, , h, w] = ctx.dims(node.inputs[0]!) as [number, number, number, number];
    const [, , kh, kw] = ctx.dims(node.inputs[1]!) as [number, number, number, number];
    const win = window2d(node, h, w, [kh, kw]);
    const group = intAttr(node, 'group', 1);
    const dx = ctx.needs(0)
      ? ctx.e.op('ConvTranspose', [dy, node.inputs[1]!], {
          group,
          ...transposeAttributes({ inH: h, inW: w, ...win }),
        })
      : undefined;
    const dw = ctx.needs(1) ? weightGradient(ctx, dy, win, group) : undefined;
    const db = node.inputs[2] && ctx.needs(2) ? ctx.e.reduce('ReduceSum', dy, [0, 2, 3], false) : undefined;
    return [dx, dw, db];
  },
};

function weightGradient(ctx: BackwardContext, dy: string, win: ReturnType<typeof window2d>, group: number): string {
  const { e, node } = ctx;
  const x = node.inputs[0]!;
  const [, , h, w] = ctx.dims(x) as [number, number, number, number];
  const [m, cg, kh, kw] = ctx.dims(node.inputs[1]!) as [number, number, number, number];
  const mg = m / group;
  let xs: string;
  let dys: string;
  if (group === 1) {
    xs = e.op('Transpose', [x], { perm: [1, 0, 2, 3] }); // [C, N, H, W]
    dys = e.op('Transpose', [dy], { perm: [1, 0, 2, 3] }); // [M, N, OH, OW]
  } else {
    // Channel k·N + n of the new input is image n's channel c of group k, so a grouped Conv pairs
    // group k of X only with group k of dY.
    const x5 = e.op('Reshape', [x, e.ints([-1, group, cg, h, w])]);
    xs = e.op('Reshape', [e.op('Transpose', [x5], { perm: [2, 1, 0, 3, 4] }), e.ints([cg, -1, h, w])]);
    const dy5 = e.op('Reshape', [dy, e.ints([-1, group, mg, win.outH, win.outW])]);
    dys = e.op('Reshape', [e.op('Transpose', [dy5], { perm: [1, 2, 0, 3, 4] }), e.ints([m, -1, win.outH, win.outW])]);
  }
  const [pt, pl, pb, pr] = win.pads;
  const full = e.op('Conv', [xs, dys], {
    group,
    strides: [...win.dilations],
    dilations: [...win.strides],
    pads: [pt, pl, pb, pr],
  }); // [C/g, M, kH', kW'] with kH' ≥ kH: trailing rows the forward windows never reached
  const fullH = Math.floor((h + pt + pb - ((win.outH - 1) * win.strides[0] + 1)) / win.dilations[0]) + 1;
  const fullW = Math.floor((w + pl + pr - ((win.outW - 1) * win.strides[1] + 1)) / win.dilations[1]) + 1;
  const cut = fullH === kh && fullW === kw ? full : e.op('Slice', [full, e.ints([0, 0]), e.ints([kh, kw]), e.ints([2, 3])]);
  return e.op('Transpose', [cut], { perm: [1, 0, 2, 3] });
}
