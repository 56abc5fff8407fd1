import { intAttr, intsAttr, stringAttr } from '../attributes.js';
import type { Node } from '../model.js';
import { nodeError } from './shape-utils.js';

/** Resolved 2-D window geometry of a Conv or pooling node. */
export interface Window2d {
  readonly kernel: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilations: readonly [number, number];
  /** [top, left, bottom, right], ONNX's `pads` order. */
  readonly pads: readonly [number, number, number, number];
  readonly outH: number;
  readonly outW: number;
}

/**
 * Output size along one axis: floor((in + padBegin + padEnd − ((k − 1)·d + 1)) / s) + 1, or the
 * ceiling with `ceil_mode`, where a last window starting inside the end padding is dropped.
 */
function outputSize(inSize: number, k: number, s: number, d: number, pb: number, pe: number, ceil: boolean): number {
  const span = inSize + pb + pe - ((k - 1) * d + 1);
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= inSize + pb) out -= 1;
  return out;
}

/** Geometry of a 2-D window op over input spatial size [h, w]; `kernel` from weights or attributes. */
export function window2d(node: Node, h: number, w: number, kernel: readonly number[]): Window2d {
  if (kernel.length !== 2) throw nodeError(node, `only 2-D windows are supported, got kernel [${kernel.join(', ')}]`);
  const k = kernel as [number, number];
  const strides = (intsAttr(node, 'strides', [1, 1]) ?? [1, 1]) as [number, number];
  const dilations = (intsAttr(node, 'dilations', [1, 1]) ?? [1, 1]) as [number, number];
  const ceil = intAttr(node, 'ceil_mode', 0) === 1;
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  let pads = (intsAttr(node, 'pads', [0, 0, 0, 0]) ?? [0, 0, 0, 0]) as [number, number, number, number];
  if (strides.length !== 2 || dilations.length !== 2 || pads.length !== 4) {
    throw nodeError(node, 'strides, dilations and pads must describe two spatial axes');
  }
  if ([...strides, ...dilations].some((v) => !(v >= 1)) || pads.some((p) => !(p >= 0))) {
    throw nodeError(node, `invalid strides [${strides}], dilations [${dilations}] or pads [${pads}]`);
  }
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const padsFor = (inSize: number, i: 0 | 1): [number, number] => {
      const out = Math.ceil(inSize / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + (k[i] - 1) * dilations[i] + 1 - inSize);
      const small = Math.floor(total / 2);
      return autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    };
    const [t, b] = padsFor(h, 0);
    const [l, r] = padsFor(w, 1);
    pads = [t, l, b, r];
  } else if (autoPad === 'VALID') {
    pads = [0, 0, 0, 0];
  } else if (autoPad !== 'NOTSET') {
    throw nodeError(node, `unknown auto_pad "${autoPad}"`);
  }
  const outH = outputSize(h, k[0], strides[0], dilations[0], pads[0], pads[2], ceil);
  const outW = outputSize(w, k[1], strides[1], dilations[1], pads[1], pads[3], ceil);
  if (outH < 1 || outW < 1) {
    throw nodeError(node, `the window [${k.join('×')}] does not fit the ${h}×${w} input`);
  }
  return { kernel: k, strides, dilations, pads, outH, outW };
}
