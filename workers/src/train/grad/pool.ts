import { intAttr, intsAttr } from '../../onnx/attributes.js';
import { window2d, type Window2d } from '../../onnx/ops/window.js';
import { DataType } from '../../onnx/model.js';
import { cannotTrain, dOut, type BackwardContext, type ForwardContext, type GradRule } from './rule.js';
import { transposeAttributes } from './transpose-geometry.js';

/**
 * MaxPool: the forward pass also returns the Indices output (flat positions in X, row-major over
 * N·C·H·W), and dX puts each dY on its window's maximum. onnxruntime keeps the first maximum of a
 * window in scan order, so that element alone receives the gradient (as in PyTorch). Where the
 * windows tile the input (kernel = stride, no pads or dilation, sides divisible) no two windows
 * share an element and MaxUnpool places the values in one pass; otherwise ScatterElements adds
 * them, since overlapping windows can share a maximum.
 */
export const maxPoolRule: GradRule = {
  opTypes: ['MaxPool'],
  forward({ e, node }) {
    if (intAttr(node, 'storage_order', 0) !== 0) throw cannotTrain(node, 'storage_order 1 (column-major indices)');
    const indices = node.outputs[1] || e.fresh(`${node.outputs[0]}:indices`);
    e.push({ name: node.name, opType: 'MaxPool', inputs: node.inputs, outputs: [node.outputs[0]!, indices], attrs: { ...node.attributes } });
    return { indices };
  },
  backward(ctx) {
    const { e, node } = ctx;
    const x = node.inputs[0]!;
    const indices = ctx.saved['indices']!;
    const win = tiling(ctx);
    if (win) {
      return [e.op('MaxUnpool', [dOut(ctx), indices, e.op('Shape', [x])], { kernel_shape: [...win.kernel], strides: [...win.strides] })];
    }
    const flat = e.ints([-1]);
    const zeros = e.op('ConstantOfShape', [e.op('Reshape', [e.op('Size', [x]), e.ints([1])])], {
      value: { type: 'tensor', value: zeroOf(e.dtype) },
    });
    const scattered = e.op('ScatterElements', [zeros, e.op('Reshape', [indices, flat]), e.op('Reshape', [dOut(ctx), flat])], {
      axis: 0,
      reduction: 'add',
    });
    return [e.op('Reshape', [scattered, e.op('Shape', [x])])];
  },
};

/** The window geometry when windows tile the input exactly, else undefined. */
function tiling(ctx: ForwardContext): Window2d | undefined {
  const { node } = ctx;
  const [, , h, w] = ctx.dims(node.inputs[0]!) as [number, number, number, number];
  const win = window2d(node, h, w, intsAttr(node, 'kernel_shape', undefined) ?? []);
  const [kh, kw] = win.kernel;
  const tiles = win.strides[0] === kh && win.strides[1] === kw && win.dilations.every((d) => d === 1) &&
    win.pads.every((p) => p === 0) && h === win.outH * kh && w === win.outW * kw;
  return tiles ? win : undefined;
}

function zeroOf(dtype: number) {
  return dtype === DataType.DOUBLE
    ? { name: 'zero', dataType: DataType.DOUBLE, dims: [1], data: Float64Array.of(0) }
    : { name: 'zero', dataType: DataType.FLOAT, dims: [1], data: Float32Array.of(0) };
}

/**
 * AveragePool: each output spreads dY / (its divisor) evenly over its window — a depthwise
 * ConvTranspose with a kernel of ones. The divisor of every output position is worked out here:
 * the window's size clipped to the padded input (count_include_pad = 1) or to the input itself
 * (count_include_pad = 0), as onnxruntime divides.
 */
export const averagePoolRule: GradRule = {
  opTypes: ['AveragePool'],
  backward(ctx) {
    const { e, node } = ctx;
    const [, c, h, w] = ctx.dims(node.inputs[0]!) as [number, number, number, number];
    const kernel = intsAttr(node, 'kernel_shape', undefined)!;
    const win = window2d(node, h, w, kernel);
    const includePad = intAttr(node, 'count_include_pad', 0) === 1;
    const rows = divisors(win, 0, h, includePad);
    const cols = divisors(win, 1, w, includePad);
    const inverse = new Float64Array(win.outH * win.outW);
    for (let i = 0; i < win.outH; i++) for (let j = 0; j < win.outW; j++) inverse[i * win.outW + j] = 1 / (rows[i]! * cols[j]!);
    const scaled = e.op('Mul', [dOut(ctx), e.floats([1, 1, win.outH, win.outW], inverse)]);
    const ones = e.floats([c, 1, win.kernel[0], win.kernel[1]], new Float64Array(c * win.kernel[0] * win.kernel[1]).fill(1));
    return [spread(ctx, scaled, ones, win, c)];
  },
};

function spread(ctx: BackwardContext, dy: string, kernel: string, win: Window2d, channels: number): string {
  const [, , h, w] = ctx.dims(ctx.node.inputs[0]!) as [number, number, number, number];
  return ctx.e.op('ConvTranspose', [dy, kernel], {
    group: channels,
    ...transposeAttributes({ inH: h, inW: w, ...win }),
  });
}

/** Per output position along one axis, how many window taps the divisor counts. */
function divisors(win: Window2d, axis: 0 | 1, size: number, includePad: boolean): number[] {
  const out = axis === 0 ? win.outH : win.outW;
  const [k, s, d] = [win.kernel[axis], win.strides[axis], win.dilations[axis]];
  const padBegin = win.pads[axis];
  const padEnd = win.pads[axis + 2]!;
  const [lo, hi] = includePad ? [-padBegin, size + padEnd] : [0, size];
  return Array.from({ length: out }, (_, o) => {
    let n = 0;
    for (let t = 0; t < k; t++) {
      const at = o * s - padBegin + t * d;
      if (at >= lo && at < hi) n++;
    }
    return n;
  });
}

/** GlobalAveragePool: dX = dY / (H·W), broadcast over the spatial axes. */
export const globalAveragePoolRule: GradRule = {
  opTypes: ['GlobalAveragePool'],
  backward(ctx) {
    const { e, node } = ctx;
    const x = node.inputs[0]!;
    const [, , h, w] = ctx.dims(x) as [number, number, number, number];
    const expanded = e.op('Expand', [dOut(ctx), e.op('Shape', [x])]);
    return [e.op('Mul', [expanded, e.scalar(1 / (h * w))])];
  },
};
