import { intsAttr, stringAttr } from '../attributes.js';
import { DataType } from '../model.js';
import { toNumbers } from '../tensor.js';
import type { OpSpec, ShapeContext } from './op-spec.js';
import { nodeError, normalizeAxis, requireInput } from './shape-utils.js';

/** Transpose by `perm` (default: reverse the axes). */
export const transpose: OpSpec = {
  opType: 'Transpose',
  inferShapes(ctx) {
    const x = requireInput(ctx, 0);
    const perm = intsAttr(ctx.node, 'perm', undefined) ?? x.dims.map((_, i) => x.dims.length - 1 - i);
    if (perm.length !== x.dims.length || [...perm].sort().some((p, i) => p !== i)) {
      throw nodeError(ctx.node, `perm [${perm.join(', ')}] is not a permutation of ${x.dims.length} axes`);
    }
    return [{ elemType: x.elemType, dims: perm.map((p) => x.dims[p]!) }];
  },
  macs: () => 0,
};

/** A constant integer input as numbers, or a BAD_MODEL error naming it. */
function constInts(ctx: ShapeContext, i: number, what: string): number[] {
  const t = ctx.constant(i);
  if (!t || (t.dataType !== DataType.INT64 && t.dataType !== DataType.INT32)) {
    throw nodeError(ctx.node, `${what} must be a constant integer tensor`);
  }
  return Array.from(toNumbers(t));
}

/** Where a Slice reads along each axis: start and step, and the output size (ONNX's clamping rules). */
export interface SliceAxis {
  readonly start: number;
  readonly step: number;
  readonly size: number;
}

/** The resolved slice of every axis of an input of shape `dims`. */
export function sliceAxes(ctx: ShapeContext, dims: readonly number[]): SliceAxis[] {
  const starts = constInts(ctx, 1, 'starts');
  const ends = constInts(ctx, 2, 'ends');
  const axes = ctx.node.inputs[3] ? constInts(ctx, 3, 'axes') : starts.map((_, i) => i);
  const steps = ctx.node.inputs[4] ? constInts(ctx, 4, 'steps') : starts.map(() => 1);
  const out: SliceAxis[] = dims.map((d) => ({ start: 0, step: 1, size: d }));
  axes.forEach((raw, k) => {
    const a = normalizeAxis(ctx.node, raw, dims.length);
    const d = dims[a]!;
    const step = steps[k]!;
    if (step === 0) throw nodeError(ctx.node, 'a step of 0');
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    const b = step > 0 ? clamp(starts[k]!, 0, d) : clamp(starts[k]!, -1, d - 1);
    const e = step > 0 ? clamp(ends[k]!, 0, d) : clamp(ends[k]!, -1, d - 1);
    out[a] = { start: b, step, size: Math.max(0, Math.ceil((e - b) / step)) };
  });
  return out;
}

/** Slice with constant starts, ends, axes and steps (opset ≥ 10). */
export const slice: OpSpec = {
  opType: 'Slice',
  inferShapes(ctx) {
    const x = requireInput(ctx, 0);
    return [{ elemType: x.elemType, dims: sliceAxes(ctx, x.dims).map((s) => s.size) }];
  },
  macs: () => 0,
};

/** Pad (opset ≥ 11) with constant pads, in constant mode: [x1_begin, x2_begin, …, x1_end, x2_end, …]. */
export const pad: OpSpec = {
  opType: 'Pad',
  inferShapes(ctx) {
    const x = requireInput(ctx, 0);
    if (stringAttr(ctx.node, 'mode', 'constant') !== 'constant') throw nodeError(ctx.node, 'only constant-mode padding is supported');
    if (ctx.node.inputs[3]) throw nodeError(ctx.node, 'the axes input is not supported');
    const pads = constInts(ctx, 1, 'pads');
    const r = x.dims.length;
    if (pads.length !== 2 * r) throw nodeError(ctx.node, `pads must have ${2 * r} entries, got ${pads.length}`);
    const dims = x.dims.map((d, i) => d + pads[i]! + pads[i + r]!);
    if (dims.some((d) => d < 0)) throw nodeError(ctx.node, `pads [${pads.join(', ')}] crop more than [${x.dims.join(', ')}]`);
    return [{ elemType: x.elemType, dims }];
  },
  macs: () => 0,
};
