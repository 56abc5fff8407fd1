import { parseConstraints, type RunEvent, type RunStatus } from '@frontier/search';
import type { SchemaContext } from './context.js';
import { publicError } from './errors.js';
import type { SearchProgress } from './source-types.js';

const FINAL: readonly RunStatus[] = ['DONE', 'CANCELLED', 'FAILED'];

/** Events held for a subscriber that does not read them; past this the subscription ends with an error. */
export const MAX_QUEUED_EVENTS = 1000;

/**
 * The `searchProgress` stream of one run: a SNAPSHOT (the run as stored, its counts and front),
 * then every live event, ending after the run's final status. It listens before it reads the
 * snapshot, so no event falls between the two (an event may repeat what the snapshot shows).
 * Written as a plain async iterator rather than a generator so that `return()` — a client
 * unsubscribing — takes effect at once even while it waits for the next event.
 */
export async function progressStream(ctx: SchemaContext, runId: string, maxQueued = MAX_QUEUED_EVENTS): Promise<AsyncIterableIterator<SearchProgress>> {
  const queue: SearchProgress[] = [];
  let waiting: ((r: IteratorResult<SearchProgress>) => void) | undefined;
  let ended = false;
  let failure: Error | undefined;
  let constraints = parseConstraints({});

  const finish = (): void => {
    ended = true;
    unsubscribe();
    if (waiting) waiting({ value: undefined, done: true });
    waiting = undefined;
  };
  const push = (item: SearchProgress): void => {
    if (ended) return;
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w({ value: item, done: false });
    } else if (queue.length >= maxQueued) {
      failure = publicError('INTERNAL_SERVER_ERROR', `subscriber too slow: more than ${maxQueued} events waiting`);
      queue.length = 0;
      finish();
      return;
    } else {
      queue.push(item);
    }
    if (item.kind === 'STATUS' && FINAL.includes(item.run?.status as RunStatus)) {
      ended = true;
      unsubscribe();
    }
  };
  let ready = false;
  const early: RunEvent[] = [];
  const unsubscribe = ctx.platform.subscribe(runId, (event) => {
    if (!ready) early.push(event);
    else push(toProgress(event, runId, constraints));
  });
  try {
    const run = await ctx.store.getRun(runId);
    constraints = parseConstraints(run.constraints);
    const front = await ctx.store.getFront({ modelId: run.modelId, dataset: run.dataset, deviceId: run.deviceId });
    queue.push({ kind: 'SNAPSHOT', runId, run, front: { version: front.version, memberIds: front.memberIds, constraints } });
    if (FINAL.includes(run.status)) {
      ended = true;
      unsubscribe();
    }
  } catch (err) {
    unsubscribe();
    throw err;
  }
  ready = true;
  for (const event of early.splice(0)) push(toProgress(event, runId, constraints));

  const iterator: AsyncIterableIterator<SearchProgress> = {
    next: () => {
      const item = queue.shift();
      if (item) return Promise.resolve({ value: item, done: false });
      if (failure) {
        const f = failure;
        failure = undefined;
        return Promise.reject(f);
      }
      if (ended) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: () => {
      queue.length = 0;
      finish();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

function toProgress(event: RunEvent, runId: string, constraints: ReturnType<typeof parseConstraints>): SearchProgress {
  switch (event.type) {
    case 'candidateStarted':
    case 'candidateFinished':
      return { kind: 'CANDIDATE', runId, candidate: event.candidate };
    case 'frontChanged':
      return { kind: 'FRONT', runId, front: { version: event.front.version, memberIds: event.front.memberIds, constraints } };
    case 'runStatus':
      return { kind: 'STATUS', runId, run: event.run };
  }
}
