import DataLoader from 'dataloader';
import { isStoreError, StoreError, type Candidate, type Device, type Model, type Run, type Store } from '@frontier/search';
import type { Loaders } from '@frontier/schema';

/**
 * DataLoaders over the store: the loads of one tick become one store call per entity kind,
 * whatever the number of ids (`getCandidates`; a get for one id, else `listModels`, `listDevices`,
 * `listRuns`). HTTP
 * requests get caching loaders of their own; subscriptions share non-caching ones, so 300
 * subscribers resolving the same event still make one call and never see a stale run.
 */
export function createLoaders(store: Store, options: { readonly cache?: boolean } = {}): Loaders {
  const cache = options.cache ?? true;
  return {
    candidate: new DataLoader<string, Candidate>((ids) => loadCandidates(store, ids), { cache }),
    run: new DataLoader<string, Run>(
      async (ids) => (ids.length === 1 ? [await store.getRun(ids[0]!).catch(asError)] : pick(await store.listRuns(), ids, 'run', (id) => store.getRun(id))),
      { cache },
    ),
    model: new DataLoader<string, Model>(
      async (ids) => (ids.length === 1 ? [await store.getModel(ids[0]!).catch(asError)] : pick(await store.listModels(), ids, 'model')),
      { cache },
    ),
    device: new DataLoader<string, Device>(
      async (ids) => (ids.length === 1 ? [await store.getDevice(ids[0]!).catch(asError)] : pick(await store.listDevices(), ids, 'device')),
      { cache },
    ),
  };
}

async function loadCandidates(store: Store, ids: readonly string[]): Promise<(Candidate | Error)[]> {
  const unique = [...new Set(ids)];
  try {
    const found = new Map((await store.getCandidates(unique)).map((c) => [c.id, c]));
    return ids.map((id) => found.get(id)!);
  } catch (err) {
    if (!isStoreError(err, 'NOT_FOUND')) throw err;
    // Some id is unknown: answer each on its own, so one bad id does not fail the others.
    return Promise.all(ids.map((id) => store.getCandidate(id).catch(asError)));
  }
}

async function pick<T extends { readonly id: string }>(
  all: readonly T[],
  ids: readonly string[],
  entity: string,
  fallback?: (id: string) => Promise<T>,
): Promise<(T | Error)[]> {
  const byId = new Map(all.map((e) => [e.id, e]));
  return Promise.all(ids.map(async (id) => byId.get(id) ?? (fallback ? fallback(id).catch(asError) : new StoreError('NOT_FOUND', `no ${entity} with id ${id}`, { entity, id }))));
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
