/**
 * Magnitude-pruning masks (Han et al., "Learning both Weights and Connections for Efficient Neural
 * Networks", NeurIPS 2015: remove the weights of smallest |w|). A mask holds 1 for a kept weight
 * and 0 for a pruned one.
 */

/** How many of `n` weights a ratio prunes: round(ratio · n), so the sparsity is exact to one weight. */
export function pruneCount(n: number, ratio: number): number {
  return Math.min(n, Math.round(ratio * n));
}

/**
 * Masks pruning exactly `count` weights of smallest magnitude across all `tensors` taken together.
 * Ties at the threshold are broken by position: earlier tensors, then lower indices, are pruned
 * first, so the result is deterministic whatever the values.
 */
export function smallestMagnitudeMasks(tensors: readonly (Float32Array | Float64Array)[], count: number): Uint8Array[] {
  const masks = tensors.map((t) => new Uint8Array(t.length).fill(1));
  if (count <= 0) return masks;
  const total = tensors.reduce((s, t) => s + t.length, 0);
  const magnitudes = new Float64Array(total);
  let offset = 0;
  for (const t of tensors) {
    for (let i = 0; i < t.length; i++) magnitudes[offset + i] = Math.abs(t[i]!);
    offset += t.length;
  }
  const threshold = kthSmallest(magnitudes, Math.min(count, total) - 1);
  let below = 0;
  for (const t of tensors) for (let i = 0; i < t.length; i++) if (Math.abs(t[i]!) < threshold) below++;
  let ties = Math.min(count, total) - below;
  tensors.forEach((t, j) => {
    const mask = masks[j]!;
    for (let i = 0; i < t.length; i++) {
      const m = Math.abs(t[i]!);
      if (m < threshold) mask[i] = 0;
      else if (m === threshold && ties > 0) {
        mask[i] = 0;
        ties--;
      }
    }
  });
  return masks;
}

/** Sets the masked-out weights to zero in a copy. */
export function applyMask(data: Float32Array, mask: Uint8Array): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = mask[i] ? data[i]! : 0;
  return out;
}

/**
 * The k-th smallest value (0-based) of `values`, which is reordered in place: Hoare's quickselect
 * with a median-of-three pivot, O(n) expected. Should the partitions keep coming out lopsided (more
 * rounds than 4·log2(n)), the remaining range is sorted instead, bounding the worst case at
 * O(n log n). Deterministic: no random pivots.
 */
export function kthSmallest(values: Float32Array | Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  let budget = 4 * Math.ceil(Math.log2(values.length + 1));
  while (hi > lo) {
    if (budget-- === 0) {
      values.subarray(lo, hi + 1).sort();
      break;
    }
    const pivot = medianOfThree(values[lo]!, values[(lo + hi) >>> 1]!, values[hi]!);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const tmp = values[i]!;
        values[i++] = values[j]!;
        values[j--] = tmp;
      }
    }
    // Now values[lo … j] ≤ pivot ≤ values[i … hi], and values strictly between j and i equal the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

function medianOfThree(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}
