import { WorkersError } from '../errors.js';
import { KERNEL_CYCLE_TERMS, kernelCycles, type KernelCycles } from './cost-model.js';
import { nnls } from './nnls.js';

/** One published latency of one model on one core, with the model's cost features. */
export interface StackSample {
  /** The core (or board) whose speed `fitStackCosts` scales the shared profile by. */
  readonly core: string;
  readonly clockHz: number;
  /** `modelCostFeatures` of the model, in `KERNEL_CYCLE_TERMS` order. */
  readonly features: Float64Array;
  readonly measuredMs: number;
  /** What the sample is, for messages. */
  readonly label: string;
}

export interface StackCostFitOptions {
  /**
   * Cycle costs expected before seeing data (a kernel-level estimate). Two published models per core
   * cannot pin seven terms: the fit moves the profile only where the data speak and stays near the
   * prior elsewhere. Every term must be > 0 (it also sets the term's scale).
   */
  readonly prior: KernelCycles;
  /** Weight of the prior against one sample's squared relative error. Default 0.01. */
  readonly priorWeight?: number;
  /** Alternations between the profile and the core scales. Default 60. */
  readonly iterations?: number;
}

/** A stack's fitted cost profile and each core's speed relative to it. */
export interface StackCostFit {
  /** Cycle costs of the profile (a core with scale 1). */
  readonly profile: KernelCycles;
  /** Core → multiplier of every profile cost on that core (geometric mean 1 over the cores). */
  readonly scales: ReadonlyMap<string, number>;
  /** The fitted costs of one core: `profile` × its scale. */
  cycles(core: string): KernelCycles;
  /** Predicted latency of a model (its features) on one of the fitted cores. */
  predictMs(core: string, clockHz: number, features: Float64Array): number;
  /** Root-mean-square relative error on the fitted samples. */
  readonly rmsRelativeError: number;
}

/**
 * Fits one software stack's kernel costs to published latencies on several cores:
 *
 *   cycles(model, core) = s_core · Σ_term x_term · feature_term(model)
 *
 * — one profile x shared by the cores that run the stack (its kernels are the same code; the
 * MLPerf Tiny rows show each stack's DS-CNN/MobileNet cycle ratio agreeing across Cortex-M4, M7 and
 * M33 within a few percent) and one speed s per core. Alternating least squares: with s fixed, x is
 * a non-negative least-squares fit (`nnls`) of relative residuals plus prior rows
 * √w·(x_t − prior_t)/prior_t; with x fixed, each s has a closed form. Scales are normalised to a
 * geometric mean of 1 after each round, the profile absorbing the factor.
 */
export function fitStackCosts(samples: readonly StackSample[], options: StackCostFitOptions): StackCostFit {
  if (samples.length === 0) throw new WorkersError('BAD_ARGUMENT', 'fitStackCosts needs at least one sample, got 0');
  for (const s of samples) {
    if (!(s.measuredMs > 0) || !(s.clockHz > 0)) {
      throw new WorkersError('BAD_ARGUMENT', `${s.label}: latency and clock must be positive, got ${s.measuredMs} ms at ${s.clockHz} Hz`);
    }
  }
  const prior = KERNEL_CYCLE_TERMS.map((t) => options.prior[t]);
  prior.forEach((p, i) => {
    if (!(p > 0)) throw new WorkersError('BAD_ARGUMENT', `prior.${KERNEL_CYCLE_TERMS[i]} must be > 0, got ${p}`);
  });
  const w = Math.sqrt(options.priorWeight ?? 0.01);
  const cycles = samples.map((s) => (s.measuredMs / 1e3) * s.clockHz);
  const cores = [...new Set(samples.map((s) => s.core))];
  const scales = new Map(cores.map((c) => [c, 1]));
  let x = Float64Array.from(prior);
  for (let it = 0; it < (options.iterations ?? 60); it++) {
    // Profile step, columns in units of the prior so that nnls sees comparable magnitudes.
    const rows = samples.map((s, r) => prior.map((p, j) => (scales.get(s.core)! * s.features[j]! * p) / cycles[r]!));
    const targets = rows.map(() => 1);
    prior.forEach((_, j) => {
      rows.push(prior.map((__, k) => (k === j ? w : 0)));
      targets.push(w);
    });
    const u = nnls(rows, targets);
    x = Float64Array.from(prior, (p, j) => p * u[j]!);
    // Scale step: s_c = Σ r / Σ r² with r = predicted / measured at s = 1, over the core's samples.
    for (const core of cores) {
      let num = 0;
      let den = 0;
      samples.forEach((s, r) => {
        if (s.core !== core) return;
        const ratio = dot(x, s.features) / cycles[r]!;
        num += ratio;
        den += ratio * ratio;
      });
      scales.set(core, den > 0 ? num / den : 1);
    }
    const g = Math.exp(cores.reduce((a, c) => a + Math.log(scales.get(c)!), 0) / cores.length);
    for (const c of cores) scales.set(c, scales.get(c)! / g);
    x = x.map((v) => v * g);
  }
  const profile = kernelCycles(x);
  const scaleOf = (core: string): number => {
    const s = scales.get(core);
    if (s === undefined) throw new WorkersError('BAD_ARGUMENT', `core "${core}" has no sample in this fit (fitted: ${cores.join(', ')})`);
    return s;
  };
  const predictMs = (core: string, clockHz: number, features: Float64Array): number => ((scaleOf(core) * dot(x, features)) / clockHz) * 1e3;
  const squares = samples.reduce((a, s) => a + (predictMs(s.core, s.clockHz, s.features) / s.measuredMs - 1) ** 2, 0);
  return {
    profile,
    scales,
    cycles: (core) => kernelCycles(x.map((v) => v * scaleOf(core))),
    predictMs,
    rmsRelativeError: Math.sqrt(squares / samples.length),
  };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
