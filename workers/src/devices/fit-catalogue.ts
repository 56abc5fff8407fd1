import { WorkersError } from '../errors.js';
import type { KernelCycles } from './cost-model.js';
import { fitStackCosts, type StackCostFit, type StackSample } from './fit-stack-costs.js';
import { MLPERF_TINY_RESULTS, STACKS, type MlperfTinyResult } from './mlperf-tiny-results.js';
import { REFERENCE_FEATURES } from './reference-features.js';

/**
 * Kernel-level cycle estimates the fits start from (see `StackCostFitOptions.prior`). Judgement from
 * the instruction set, not measurements — the data then move them:
 * - optimised int8 kernels on Armv7E-M / Armv8-M with the DSP extension (CMSIS-NN class): SMLAD
 *   does two 16-bit MACs per cycle (Cortex-M4 TRM r0p1, Table 3-1), plus about a cycle of loads and
 *   SXTB16 widening per pair → 1 cycle/MAC for 1×1 convolutions; 1.2 for other convolutions
 *   (the same matrix kernel after an im2col copy); 1.5 for a dense layer (each weight used once);
 *   2 for depthwise 3×3 (nine-tap windows amortise little); ~2 more per MAC for a depthwise window
 *   overlapping the padding (bounds-checked path); 3 for a conv over 1–3 input channels (no
 *   channel pairs for SMLAD). No published result has a convolution over ≥ 4 channels other than
 *   1×1 ones, so `conv` stays at its prior, scaled by the core's fitted speed;
 *   ~12 cycles of requantization (multiply-high, rounding shift, offset, clamp, store) per output;
 *   ~1,000 cycles per layer call.
 * - TFLite Micro reference kernels: portable C, one MAC per loop iteration with offset additions
 *   and index arithmetic → ~8 cycles/MAC, 50 per output, 5,000 per layer.
 * - Cortex-A72 with NEON (SMLAL, 8 products per instruction, Cortex-A72 Software Optimization Guide
 *   §3.14) on a 4-thread runtime: fractions of a cycle per MAC and ~20,000 cycles (13 µs) per
 *   layer of thread-pool dispatch.
 */
const PRIORS: Readonly<Record<'optimised' | 'reference' | 'a72', KernelCycles>> = {
  optimised: { conv: 1.2, depthwise: 2, pointwise: 1, dense: 1.5, border: 2, narrow: 3, perOutput: 12, elementwise: 5, perOp: 1000 },
  reference: { conv: 8, depthwise: 8, pointwise: 8, dense: 8, border: 2, narrow: 8, perOutput: 50, elementwise: 20, perOp: 5000 },
  a72: { conv: 0.3, depthwise: 0.5, pointwise: 0.25, dense: 0.3, border: 0.5, narrow: 0.6, perOutput: 2, elementwise: 1, perOp: 20000 },
};

/**
 * A prior term off by 100 % weighs like a 3 % error on one measurement: the data lead. Two models
 * per core leave most directions of the eight terms unpinned, so fitted terms trade off (a low
 * pointwise cost against a higher per-output one): the totals are checked (`heldOutCheck`), the
 * individual terms are not kernel measurements.
 */
export const PRIOR_WEIGHT = 0.001;

/** The prior of a stack. */
export function stackPrior(stack: string): KernelCycles {
  if (stack === 'tflm-reference') return PRIORS.reference;
  if (stack.startsWith('leip')) return PRIORS.a72;
  return PRIORS.optimised;
}

/** A row as a fit sample: the board is the "core" whose speed is fitted. */
export function stackSample(row: MlperfTinyResult): StackSample {
  const features = REFERENCE_FEATURES[row.task].int8!;
  return { core: row.board, clockHz: row.clockMHz * 1e6, features: Float64Array.from(features), measuredMs: row.latencyMs, label: `${row.board} ${row.task} (${row.stack})` };
}

/** The int8 rows of one stack; `BAD_ARGUMENT` naming the known stacks when there are none. */
export function stackRows(stack: string): MlperfTinyResult[] {
  const rows = MLPERF_TINY_RESULTS.filter((r) => r.stack === stack);
  if (rows.length === 0) throw new WorkersError('BAD_ARGUMENT', `no published results for stack "${stack}" (known: ${Object.keys(STACKS).join(', ')})`);
  return rows;
}

/** Fits a stack's profile and board speeds to all its rows (or to `rows`). */
export function fitStack(stack: string, rows: readonly MlperfTinyResult[] = stackRows(stack)): StackCostFit {
  return fitStackCosts(rows.map(stackSample), { prior: stackPrior(stack), priorWeight: PRIOR_WEIGHT });
}

/** One held-out prediction. */
export interface HeldOutResult {
  readonly stack: string;
  readonly board: string;
  readonly core: string;
  readonly task: MlperfTinyResult['task'];
  readonly predictedMs: number;
  readonly measuredMs: number;
  /** predicted / measured − 1. */
  readonly error: number;
}

/**
 * Held-out check of one stack: each row predicted by a fit that never saw it. `per-board` leaves out
 * one (board, task) row — that board's scale comes from its other task, the profile from the other
 * boards' rows; `per-task` leaves out a task on every board at once — the profile then comes from
 * one model and the prior alone, the harder test. Rows whose board would be left without a sample
 * are skipped.
 */
export function heldOutCheck(stack: string, protocol: 'per-board' | 'per-task'): HeldOutResult[] {
  const rows = stackRows(stack);
  const out: HeldOutResult[] = [];
  for (const row of rows) {
    const rest = rows.filter((r) => (protocol === 'per-board' ? r !== row : r.task !== row.task));
    if (!rest.some((r) => r.board === row.board)) continue;
    const s = stackSample(row);
    const predictedMs = fitStack(stack, rest).predictMs(s.core, s.clockHz, s.features);
    out.push({ stack, board: row.board, core: row.core, task: row.task, predictedMs, measuredMs: row.latencyMs, error: predictedMs / row.latencyMs - 1 });
  }
  return out;
}
