import { SearchProgressSubscription, type FrontView, type ProgressEvent, type RunView } from '../graphql/documents.js';
import type { FrontierClient } from './frontier-client.js';

/** What a follower of a run knows: the run (status, counts) and its front, as of the last event. */
export interface RunState {
  readonly run: RunView;
  /** The stored front under the run's limits; null until a SNAPSHOT or FRONT event brought one. */
  readonly front: FrontView | null;
  /** SNAPSHOT events seen: 1, plus one per reconnection. */
  readonly snapshots: number;
}

/**
 * Follows a run over `searchProgress` until it ends and returns its final state. Each event carries
 * the run as stored; a reconnection re-subscribes and the new SNAPSHOT replaces the state, so
 * nothing is lost while the connection was down (candidates finished meanwhile are in its counts
 * and front, though not reported one by one to `onEvent`).
 */
export async function watchRun(client: FrontierClient, runId: string, options: { readonly onEvent?: (event: ProgressEvent, state: RunState) => void } = {}): Promise<RunState> {
  let state: RunState | undefined;
  for await (const { searchProgress: e } of client.subscribe(SearchProgressSubscription, { runId })) {
    state = fold(state, e);
    options.onEvent?.(e, state);
  }
  if (!state) throw new Error(`searchProgress(${runId}) ended without an event`);
  return state;
}

function fold(state: RunState | undefined, e: ProgressEvent): RunState {
  switch (e.kind) {
    case 'SNAPSHOT':
      return { run: e.run, front: e.front ?? null, snapshots: (state?.snapshots ?? 0) + 1 };
    case 'FRONT':
      return { run: e.run, front: e.front ?? state?.front ?? null, snapshots: state?.snapshots ?? 0 };
    case 'CANDIDATE':
    case 'STATUS':
      return { run: e.run, front: state?.front ?? null, snapshots: state?.snapshots ?? 0 };
  }
}
