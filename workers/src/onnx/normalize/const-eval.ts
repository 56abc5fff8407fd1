import { intAttr, intsAttr, tensorAttr } from '../attributes.js';
import { DataType, type Node, type Tensor } from '../model.js';
import { elementCount, makeTensor, allocate, toNumbers } from '../tensor.js';

/** A small constant during folding: element type, shape and values as plain numbers. */
export interface ConstValue {
  readonly dataType: DataType;
  readonly dims: readonly number[];
  readonly data: readonly number[];
}

/** Op types whose outputs `evalConstNode` computes from constant inputs (shape arithmetic). */
export const FOLDABLE = new Set([
  'Constant', 'Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Slice', 'Cast', 'Div', 'Mul', 'Add', 'Sub',
  'ConstantOfShape', 'Reshape', 'Transpose', 'Identity',
]);

/** A ConstValue from a tensor (any numeric type). */
export function fromTensor(t: Tensor): ConstValue {
  return { dataType: t.dataType, dims: t.dims, data: Array.from(toNumbers(t)) };
}

/** A tensor holding a ConstValue. */
export function toTensor(name: string, v: ConstValue): Tensor {
  const data = allocate(v.dataType, v.data.length);
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  for (let i = 0; i < v.data.length; i++) (data as unknown as unknown[])[i] = big ? BigInt(Math.trunc(v.data[i]!)) : v.data[i]!;
  return makeTensor(name, v.dataType, v.dims, data);
}

const isInt = (t: DataType) => t !== DataType.FLOAT && t !== DataType.DOUBLE && t !== DataType.FLOAT16 && t !== DataType.BFLOAT16;

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

/** Visits every multi-index of `dims` in row-major order. */
function forEachIndex(dims: readonly number[], visit: (idx: readonly number[], flat: number) => void): void {
  const n = elementCount(dims);
  const idx = new Array<number>(dims.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    visit(idx, flat);
    for (let a = dims.length - 1; a >= 0; a--) {
      if (++idx[a]! < dims[a]!) break;
      idx[a] = 0;
    }
  }
}

function broadcastBinary(a: ConstValue, b: ConstValue, f: (x: number, y: number) => number): ConstValue {
  const rank = Math.max(a.dims.length, b.dims.length);
  const pad = (d: readonly number[]) => [...new Array<number>(rank - d.length).fill(1), ...d];
  const [da, db] = [pad(a.dims), pad(b.dims)];
  const dims = da.map((d, i) => Math.max(d, db[i]!));
  const [sa, sb] = [strides(da), strides(db)];
  const data: number[] = [];
  forEachIndex(dims, (idx) => {
    let ia = 0;
    let ib = 0;
    idx.forEach((v, i) => {
      ia += (da[i] === 1 ? 0 : v) * sa[i]!;
      ib += (db[i] === 1 ? 0 : v) * sb[i]!;
    });
    data.push(f(a.data[ia]!, b.data[ib]!));
  });
  return { dataType: a.dataType, dims, data };
}

const axisOf = (a: number, rank: number) => (a < 0 ? a + rank : a);

function transpose(x: ConstValue, perm: readonly number[]): ConstValue {
  const dims = perm.map((p) => x.dims[p]!);
  const s = strides(x.dims);
  const data: number[] = [];
  forEachIndex(dims, (idx) => data.push(x.data[idx.reduce((o, v, i) => o + v * s[perm[i]!]!, 0)]!));
  return { dataType: x.dataType, dims, data };
}

function slice(x: ConstValue, starts: readonly number[], ends: readonly number[], axes: readonly number[], steps: readonly number[]): ConstValue {
  const rank = x.dims.length;
  const start = x.dims.map(() => 0);
  const step = x.dims.map(() => 1);
  const size = [...x.dims];
  axes.forEach((raw, k) => {
    const a = axisOf(raw, rank);
    const d = x.dims[a]!;
    const st = steps[k] ?? 1;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + d : v, lo), hi);
    const b = st > 0 ? clamp(starts[k]!, 0, d) : clamp(starts[k]!, -1, d - 1);
    const e = st > 0 ? clamp(ends[k]!, 0, d) : clamp(ends[k]!, -1, d - 1);
    start[a] = b;
    step[a] = st;
    size[a] = Math.max(0, Math.ceil((e - b) / st));
  });
  const s = strides(x.dims);
  const data: number[] = [];
  forEachIndex(size, (idx) => data.push(x.data[idx.reduce((o, v, i) => o + (start[i]! + v * step[i]!) * s[i]!, 0)]!));
  return { dataType: x.dataType, dims: size, data };
}

/** Axes given as an attribute (older opsets) or as the constant input `i` (newer ones). */
function axesOf(node: Node, inputs: readonly (ConstValue | undefined)[], i: number): readonly number[] | undefined {
  return inputs[i]?.data ?? intsAttr(node, 'axes', undefined);
}

/**
 * Computes a foldable node's outputs from its constant inputs; `shapeOf` gives the static shape of
 * a Shape node's input. Returns undefined for a form it does not fold (the node is then kept).
 */
export function evalConstNode(node: Node, inputs: readonly (ConstValue | undefined)[], shapeOf: () => readonly number[] | undefined): ConstValue | undefined {
  const [x, y] = inputs;
  switch (node.opType) {
    case 'Constant': {
      const t = tensorAttr(node, 'value');
      const ints = intsAttr(node, 'value_ints', undefined);
      if (t) return fromTensor(t);
      if (ints) return { dataType: DataType.INT64, dims: [ints.length], data: [...ints] };
      const a = node.attributes['value_int'];
      return a?.type === 'int' ? { dataType: DataType.INT64, dims: [], data: [a.value] } : undefined;
    }
    case 'Shape': {
      const dims = shapeOf();
      if (!dims) return undefined;
      const r = dims.length;
      const b = axisOf(intAttr(node, 'start', 0), r);
      const e = node.attributes['end'] ? axisOf(intAttr(node, 'end', r), r) : r;
      const kept = dims.slice(Math.max(0, b), Math.min(r, e));
      return { dataType: DataType.INT64, dims: [kept.length], data: kept };
    }
    case 'Identity':
      return x;
    case 'Cast':
      if (!x) return undefined;
      return { dataType: intAttr(node, 'to', DataType.FLOAT) as DataType, dims: x.dims, data: isInt(intAttr(node, 'to', 1) as DataType) ? x.data.map(Math.trunc) : x.data };
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div': {
      if (!x || !y) return undefined;
      const int = isInt(x.dataType);
      const f = {
        Add: (p: number, q: number) => p + q,
        Sub: (p: number, q: number) => p - q,
        Mul: (p: number, q: number) => p * q,
        Div: (p: number, q: number) => (int ? Math.trunc(p / q) : p / q),
      }[node.opType];
      return broadcastBinary(x, y, f);
    }
    case 'Gather': {
      if (!x || !y) return undefined;
      const axis = axisOf(intAttr(node, 'axis', 0), x.dims.length);
      const s = strides(x.dims);
      const dims = [...x.dims.slice(0, axis), ...y.dims, ...x.dims.slice(axis + 1)];
      const data: number[] = [];
      forEachIndex(dims, (idx) => {
        const outer = idx.slice(0, axis);
        const raw = y.data[idx.slice(axis, axis + y.dims.length).reduce((o, v, i) => o * y.dims[i]! + v, 0)]!;
        const at = raw < 0 ? raw + x.dims[axis]! : raw;
        const inner = idx.slice(axis + y.dims.length);
        const full = [...outer, at, ...inner];
        data.push(x.data[full.reduce((o, v, i) => o + v * s[i]!, 0)]!);
      });
      return { dataType: x.dataType, dims, data };
    }
    case 'Unsqueeze': {
      const axes = axesOf(node, inputs, 1);
      if (!x || !axes) return undefined;
      const rank = x.dims.length + axes.length;
      const norm = new Set(axes.map((a) => axisOf(a, rank)));
      const dims: number[] = [];
      let k = 0;
      for (let i = 0; i < rank; i++) dims.push(norm.has(i) ? 1 : x.dims[k++]!);
      return { ...x, dims };
    }
    case 'Squeeze': {
      if (!x) return undefined;
      const axes = axesOf(node, inputs, 1);
      const drop = new Set((axes ?? x.dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) => axisOf(a, x.dims.length)));
      return { ...x, dims: x.dims.filter((_, i) => !drop.has(i)) };
    }
    case 'Concat': {
      if (inputs.some((v) => !v) || !x) return undefined;
      const axis = axisOf(intAttr(node, 'axis', 0), x.dims.length);
      const parts = inputs as ConstValue[];
      const dims = [...x.dims];
      dims[axis] = parts.reduce((s, p) => s + p.dims[axis]!, 0);
      const outer = x.dims.slice(0, axis).reduce((p, d) => p * d, 1);
      const data: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (const p of parts) {
          const block = p.dims.slice(axis).reduce((q, d) => q * d, 1);
          data.push(...p.data.slice(o * block, (o + 1) * block));
        }
      }
      return { dataType: x.dataType, dims, data };
    }
    case 'Slice': {
      const [, starts, ends, axes, steps] = inputs;
      if (!x || !starts || !ends) return undefined;
      return slice(x, starts.data, ends.data, axes?.data ?? starts.data.map((_, i) => i), steps?.data ?? []);
    }
    case 'Transpose': {
      if (!x) return undefined;
      const perm = intsAttr(node, 'perm', undefined) ?? x.dims.map((_, i) => x.dims.length - 1 - i);
      return transpose(x, perm);
    }
    case 'Reshape': {
      if (!x || !y) return undefined;
      const target = y.data.map((d, i) => (d === 0 ? x.dims[i]! : d));
      const known = target.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
      const dims = target.map((d) => (d === -1 ? x.data.length / known : d));
      return { ...x, dims };
    }
    case 'ConstantOfShape': {
      if (!x) return undefined;
      const v = tensorAttr(node, 'value');
      const fill = v ? fromTensor(v) : { dataType: DataType.FLOAT, dims: [1], data: [0] };
      return { dataType: fill.dataType, dims: x.data, data: new Array<number>(elementCount(x.data)).fill(fill.data[0] ?? 0) };
    }
    default:
      return undefined;
  }
}
