import { WorkersError } from '../errors.js';
import type { KernelCycles, StackCostModel } from './cost-model.js';
import { fitStack, heldOutCheck, stackRows } from './fit-catalogue.js';
import { MLPERF_TINY_FLOAT_RESULTS, MLPERF_TINY_RESULTS, STACKS, type MlperfCore } from './mlperf-tiny-results.js';
import { coreRatio } from './transfer-stack.js';

export interface CatalogueStackOptions {
  readonly stack: string;
  /** The board of the stack's rows whose speed the device takes. */
  readonly board: string;
  /**
   * fp32 costs as a multiple of the fitted int8 ones: `{ board }` — the float/int8 latency ratio of
   * Bosch HALE's two builds of `vww` on that board (the only published float figures); a number —
   * a cited ratio; absent — the stack models int8 only (fp32 layers fall back to the roofline).
   */
  readonly fp32?: { readonly board: string } | { readonly ratio: number; readonly why: string };
  /**
   * The device's core, when the stack was measured only on another one (`board`'s): the costs are
   * carried over by `coreRatio`, and the uncertainty compounds its spread with the held-out error.
   */
  readonly core?: MlperfCore;
}

/** A catalogue device's cost model for one stack, fitted to the published rows, with its held-out error. */
export function catalogueStack(o: CatalogueStackOptions): StackCostModel {
  const rows = stackRows(o.stack);
  const used = rows.filter((r) => r.board === o.board);
  const from = used[0]?.core;
  const transfer = o.core && from && o.core !== from ? coreRatio(from, o.core, o.stack) : undefined;
  const int8 = scaled(fitStack(o.stack).cycles(o.board), transfer?.ratio ?? 1);
  // The uncertainty quoted is the worse of the two protocols: a user's model is a new architecture,
  // which the per-task protocol (the model never seen on any board) imitates more closely.
  const errors = [...heldOutCheck(o.stack, 'per-board'), ...heldOutCheck(o.stack, 'per-task')].filter((h) => h.board === o.board);
  let fp32: KernelCycles | undefined;
  let floatSource = 'fp32: not fitted (no published figures), the roofline applies';
  if (o.fp32 && 'board' in o.fp32) {
    const board = o.fp32.board;
    const f = MLPERF_TINY_FLOAT_RESULTS.find((r) => r.board.startsWith(board));
    const i = MLPERF_TINY_RESULTS.find((r) => r.stack === 'hale-1.0.175' && r.board.startsWith(board));
    if (!f || !i) throw new WorkersError('BAD_ARGUMENT', `no float/int8 pair published for board "${board}"`);
    fp32 = scaled(int8, f.latencyMs / i.latencyMs);
    floatSource = `fp32: int8 costs × ${(f.latencyMs / i.latencyMs).toFixed(2)}, the float/int8 ratio of ${f.file} and ${i.file}`;
  } else if (o.fp32) {
    fp32 = scaled(int8, o.fp32.ratio);
    floatSource = `fp32: int8 costs × ${o.fp32.ratio} (${o.fp32.why})`;
  }
  return {
    stack: o.stack,
    name: STACKS[o.stack]!,
    cycles: fp32 ? { int8, fp32 } : { int8 },
    heldOutError: (1 + Math.max(...errors.map((e) => Math.abs(e.error)))) * (1 + (transfer?.spread ?? 0)) - 1,
    source:
      `MLPerf Tiny: int8 fitted to ${rows.length} results of the stack on ${new Set(rows.map((r) => r.board)).size} boards, ${o.board}’s speed to ${used.map((r) => r.file).join(' and ')}` +
      (transfer ? `, carried from ${from} to ${o.core} by ×${transfer.ratio.toFixed(3)} (median over ${transfer.stacks.join(', ')}; spread ±${(transfer.spread * 100).toFixed(0)}% added to the uncertainty)` : '') +
      `; ${floatSource}`,
  };
}

function scaled(c: KernelCycles, factor: number): KernelCycles {
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v * factor])) as unknown as KernelCycles;
}
