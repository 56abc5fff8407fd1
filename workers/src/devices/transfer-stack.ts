import { WorkersError } from '../errors.js';
import { fitStack } from './fit-catalogue.js';
import { MLPERF_TINY_RESULTS, type MlperfCore } from './mlperf-tiny-results.js';

/** How one core's cycle counts relate to another's, across the stacks measured on both. */
export interface CoreRatio {
  /** Median over the stacks of (cycles on `to`) / (cycles on `from`) for the same model. */
  readonly ratio: number;
  /** Largest relative deviation of one stack's ratio from the median. */
  readonly spread: number;
  /** The stacks it comes from. */
  readonly stacks: readonly string[];
}

/**
 * The speed of core `to` relative to core `from` for a stack never measured on `to`: the fitted
 * board speeds of every other int8 MCU stack measured on both cores (`fitStackCosts`' scales,
 * first board of each core), their median and spread. The spread is the transfer's uncertainty —
 * how much the ratio differs between kernels — since no result checks the transferred stack itself.
 */
export function coreRatio(from: MlperfCore, to: MlperfCore, exceptStack: string): CoreRatio {
  const stacks = [...new Set(MLPERF_TINY_RESULTS.map((r) => r.stack))].filter((s) => s !== exceptStack);
  const ratios: number[] = [];
  const used: string[] = [];
  for (const stack of stacks) {
    const rows = MLPERF_TINY_RESULTS.filter((r) => r.stack === stack);
    const a = rows.find((r) => r.core === from);
    const b = rows.find((r) => r.core === to);
    if (!a || !b || !rows.some((r) => r.board === a.board && r.task !== a.task) || !rows.some((r) => r.board === b.board && r.task !== b.task)) continue;
    const scales = fitStack(stack).scales;
    ratios.push(scales.get(b.board)! / scales.get(a.board)!);
    used.push(stack);
  }
  if (ratios.length === 0) throw new WorkersError('BAD_ARGUMENT', `no stack was measured on both ${from} and ${to}`);
  const sorted = [...ratios].sort((x, y) => x - y);
  const mid = sorted.length / 2;
  const ratio = sorted.length % 2 === 1 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { ratio, spread: Math.max(...ratios.map((r) => Math.abs(r / ratio - 1))), stacks: used };
}
