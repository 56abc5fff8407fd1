/**
 * Keeps the given indices along one axis of a row-major tensor. With `block` > 1 the axis is read
 * as consecutive blocks of `block` entries and whole blocks are kept — the input features of a
 * Gemm after Flatten, where channel c owns features c·H·W … (c+1)·H·W − 1.
 */
export function sliceAxis(
  data: Float32Array,
  dims: readonly number[],
  options: { axis: number; keep: ArrayLike<number>; block?: number },
): { data: Float32Array; dims: number[] } {
  const { axis, keep } = options;
  const block = options.block ?? 1;
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const size = dims[axis]!;
  const run = block * inner;
  const out = new Float32Array(outer * keep.length * run);
  let w = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    for (let j = 0; j < keep.length; j++) {
      const from = base + keep[j]! * run;
      out.set(data.subarray(from, from + run), w);
      w += run;
    }
  }
  const newDims = [...dims];
  newDims[axis] = keep.length * block;
  return { data: out, dims: newDims };
}
