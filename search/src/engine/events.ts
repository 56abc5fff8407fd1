import type { Candidate, Front, Run } from '../store/types.js';

/** Everything a run reports while it goes; the API's `searchProgress` subscription consumes it. */
export type RunEvent =
  | { readonly type: 'candidateStarted'; readonly runId: string; readonly candidate: Candidate }
  | { readonly type: 'candidateFinished'; readonly runId: string; readonly candidate: Candidate }
  | { readonly type: 'frontChanged'; readonly runId: string; readonly front: Front; readonly added: readonly string[]; readonly removed: readonly string[] }
  | { readonly type: 'runStatus'; readonly runId: string; readonly run: Run };

export type RunListener = (event: RunEvent) => void;

/**
 * A typed fan-out of run events. Listeners run synchronously in registration order; one that
 * throws is reported on `onListenerError` and does not stop the others or the run.
 */
export class RunEvents {
  readonly #listeners = new Set<RunListener>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: RunListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: RunEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}
