// A deterministic stand-in for compression + evaluation, for the engine's tests: the engine's
// logic (budget, pre-screen, dedup, failures, resume, front) is what they check; the real pool and
// kernels have their own tests and an end-to-end search test in test/.
import type { Recipe } from '@frontier/workers';
import { DispatchFailure, type Dispatcher, type EvaluationOutcome } from '../engine/dispatcher.js';
import type { PreScreen } from '../engine/screen.js';
import type { CandidateMetrics } from '../store/types.js';

/** Metrics of a recipe in a made-up but monotone world: smaller models are less accurate. */
export function fakeMetrics(recipe: Recipe): CandidateMetrics {
  const keep = (recipe.lowRank?.rankRatio ?? 1) * (1 - (recipe.prune?.ratio ?? 0));
  const bits = recipe.quant?.weightBits ?? 32;
  const size = Math.round(400_000 * keep * (bits / 32)) + 1000;
  return {
    accuracy: { val: 0.92 - 0.2 * (1 - keep) - (bits < 4 ? 0.05 : 0) },
    latency: { ms: 0.5 + 2 * keep, source: 'PREDICTED' },
    peakRamBytes: 40_000 + Math.round(size / 10),
    modelBytes: size,
    deployBytes: size,
    params: Math.round(100_000 * keep),
    nonzeroParams: Math.round(100_000 * keep),
    macs: Math.round(2e6 * keep),
  };
}

/** The pre-screen's view of `fakeMetrics`: exact estimates. */
export function fakeEstimate(recipe: Recipe): Promise<PreScreen> {
  const m = fakeMetrics(recipe);
  return Promise.resolve({ estimates: { latencyMs: m.latency.ms, peakRamBytes: m.peakRamBytes, deployBytes: m.deployBytes, params: m.params, macs: m.macs } });
}

export interface FakeDispatcherOptions {
  /** A failure to throw for a recipe's evaluation, or undefined to succeed. */
  readonly fault?: (recipe: Recipe) => DispatchFailure | undefined;
  /** Thrown by `evaluateTest` when set (anything, to test how the engine takes it). */
  readonly testFault?: () => unknown;
  /** The test accuracy it reports. Default 0.9. */
  readonly testAccuracy?: number;
}

/** A dispatcher answering with `fakeMetrics` after a short wait, two evaluations at a time. */
export class FakeDispatcher implements Dispatcher {
  readonly capacity = 2;
  readonly evaluated: Recipe[] = [];
  testEvaluations = 0;
  private readonly options: FakeDispatcherOptions;

  constructor(options: FakeDispatcherOptions = {}) {
    this.options = options;
  }

  async evaluate(recipe: Recipe, { signal }: { seed: number; signal?: AbortSignal }): Promise<EvaluationOutcome> {
    this.evaluated.push(recipe);
    await new Promise((r) => setTimeout(r, 2));
    if (signal?.aborted) throw new DispatchFailure('cancelled', 'the task was cancelled');
    const failure = this.options.fault?.(recipe);
    if (failure) throw failure;
    return {
      metrics: fakeMetrics(recipe),
      artifact: new TextEncoder().encode(JSON.stringify(recipe)),
      provenance: { modelSha256: 'm', datasetSha256: 'd', versions: { frontier: '0.1.0' }, seed: 1, timings: { totalMs: 2 } },
    };
  }

  async evaluateTest(): Promise<number> {
    this.testEvaluations++;
    if (this.options.testFault) throw this.options.testFault();
    return this.options.testAccuracy ?? 0.9;
  }

  async close(): Promise<void> {}
}
