// A store that fails on demand, for the engine's fault tests: every call goes to a real store,
// unless a hook set for that method throws first (or acts on the real store in between, as a
// concurrent writer would).
import type { Store } from '../store/store.js';

/** The store's methods by name. */
export type StoreMethod = { [K in keyof Store]: Store[K] extends (...args: never[]) => unknown ? K : never }[keyof Store];

/**
 * Runs before a call of the method: `call` counts that method's calls from 1, `args` are the
 * call's arguments, `inner` is the real store. Throwing fails the call with that error.
 */
export type StoreHook = (context: { readonly call: number; readonly args: readonly unknown[]; readonly inner: Store }) => void | Promise<void>;

/** A store with hooks; `calls` counts the calls made to each method. */
export interface FaultyStore {
  readonly store: Store;
  /** Sets (or replaces) the hook of a method. */
  before(method: StoreMethod, hook: StoreHook): void;
  calls(method: StoreMethod): number;
}

/** Wraps a real store: each method runs its hook, if any, then the real method. */
export function faultyStore(inner: Store): FaultyStore {
  const hooks = new Map<string | symbol, StoreHook>();
  const counts = new Map<string | symbol, number>();
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const call = (counts.get(property) ?? 0) + 1;
        counts.set(property, call);
        await hooks.get(property)?.({ call, args, inner: target });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    store,
    before: (method, hook) => void hooks.set(method, hook),
    calls: (method) => counts.get(method) ?? 0,
  };
}
