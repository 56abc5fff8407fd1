import type { ChannelLayout } from './quant-params.js';

/**
 * Filter-norm channel ranking (Li et al., "Pruning Filters for Efficient ConvNets", ICLR 2017,
 * Section 3.1: the sum of a filter's absolute weights ranks its channel; L2 is the common
 * alternative). Norms of several layers coupled into one channel group add up: L1 norms sum, L2
 * norms add as squares — the norm of the concatenated filters.
 */
export type NormCriterion = 'l1' | 'l2';

/**
 * Adds each channel's norm contribution of one weight tensor into `into` (length `channels`):
 * Σ|w| for L1, Σw² for L2 (take `finishNorms` once all tensors are in).
 */
export function accumulateChannelNorms(data: Float32Array, layout: ChannelLayout, criterion: NormCriterion, into: Float64Array): void {
  let i = 0;
  for (let o = 0; o < layout.outer; o++) {
    for (let c = 0; c < layout.channels; c++) {
      let s = 0;
      if (criterion === 'l1') for (let k = 0; k < layout.inner; k++, i++) s += Math.abs(data[i]!);
      else for (let k = 0; k < layout.inner; k++, i++) s += data[i]! * data[i]!;
      into[c]! += s;
    }
  }
}

/** Turns accumulated sums into norms (square root for L2). */
export function finishNorms(sums: Float64Array, criterion: NormCriterion): Float64Array {
  return criterion === 'l2' ? sums.map(Math.sqrt) : sums;
}

/**
 * The channels to keep, ascending, after removing `removeCount` of smallest norm. Among equal
 * norms the higher index is removed first, so the choice is deterministic.
 */
export function keptChannels(norms: Float64Array, removeCount: number): Int32Array {
  const order = Array.from(norms.keys()).sort((a, b) => norms[a]! - norms[b]! || b - a);
  const removed = new Set(order.slice(0, removeCount));
  return Int32Array.from(Array.from(norms.keys()).filter((c) => !removed.has(c)));
}
