import type { Recipe, TaskFailureKind } from '@frontier/workers';
import type { CandidateMetrics, Provenance } from '../store/types.js';

/** What one evaluation of a candidate produced. */
export interface EvaluationOutcome {
  readonly metrics: CandidateMetrics;
  /** The compressed model file. */
  readonly artifact: Uint8Array;
  readonly provenance: Provenance;
}

/** Why an evaluation produced no outcome: the worker pool's failure kinds, wherever it ran. */
export type DispatchFailureKind = TaskFailureKind;

/**
 * An evaluation that ended without an outcome; the dispatcher goes on serving. `code` is the public
 * code of the error the evaluation threw (`BAD_RECIPE`, `BAD_DEVICE` …), when it had one.
 */
export class DispatchFailure extends Error {
  readonly code: string | undefined;

  constructor(
    readonly kind: DispatchFailureKind,
    message: string,
    options: { readonly code?: string } = {},
  ) {
    super(message);
    this.name = 'DispatchFailure';
    this.code = options.code;
  }
}

/**
 * Where a run sends its candidate evaluations: the in-process worker pool on one machine, a queue
 * consumed by `frontier worker` processes beyond it. One dispatcher serves one run context (model,
 * dataset, device are fixed when it is created).
 *
 * Contract: `evaluate` resolves with an outcome or rejects with a `DispatchFailure` — never with
 * anything else; `signal` cancels (rejecting with kind `cancelled`); up to `capacity` evaluations
 * may be in flight at once, more are queued by the dispatcher.
 */
export interface Dispatcher {
  readonly capacity: number;
  evaluate(recipe: Recipe, options: { readonly seed: number; readonly signal?: AbortSignal }): Promise<EvaluationOutcome>;
  /** Top-1 accuracy of a compressed model on the `test` split (for front members). */
  evaluateTest(artifact: Uint8Array, options: { readonly signal?: AbortSignal }): Promise<number>;
  close(): Promise<void>;
}
