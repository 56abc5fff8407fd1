import { rmSync } from 'node:fs';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startServer, type RunningServer, type ServerOptions } from '@frontier/api';
import { openStore, type Store } from '@frontier/search';
import { freshDataDir } from './data-dir.js';

export interface TestServer {
  readonly server: RunningServer;
  readonly url: string;
  readonly dataDir: string;
  /** Calls of each store method made since the server started (when `countCalls` was asked). */
  readonly calls: Map<string, number>;
  /** Stops the server; with `keepData`, the data folder stays for a restart. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * A real server on an ephemeral loopback port over a fresh data folder (SQLite store, dataset cache
 * copied in), two pool threads. With `countCalls` the store is wrapped to count every call;
 * `wrapStore` wraps it further (the benchmark times front writes).
 */
export async function startTestServer(
  options: Partial<Omit<ServerOptions, 'store' | 'dataDir'>> & { dataDir?: string; countCalls?: boolean; wrapStore?: (store: Store) => Store } = {},
): Promise<TestServer> {
  const { countCalls, wrapStore, dataDir: given, ...rest } = options;
  const dataDir = given ?? freshDataDir('frontier-api-');
  const calls = new Map<string, number>();
  const opened = await openStore({ dataDir, env: {} });
  const counted = countCalls ? countingStore(opened, calls) : opened;
  const store = wrapStore ? wrapStore(counted) : counted;
  const server = await startServer({ store, dataDir, port: 0, threads: 2, log: () => {}, ...rest });
  return {
    server,
    url: server.url,
    dataDir,
    calls,
    stop: async ({ keepData = false } = {}) => {
      await server.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function countingStore(store: Store, calls: Map<string, number>): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        calls.set(prop, (calls.get(prop) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export interface GqlResponse {
  readonly status: number;
  readonly body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** A GraphQL POST with node's fetch, as a client would send it. */
export async function gql(url: string, query: string, options: { variables?: Record<string, unknown>; token?: string } = {}): Promise<GqlResponse> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    body: JSON.stringify({ query, ...(options.variables ? { variables: options.variables } : {}) }),
  });
  return { status: res.status, body: (await res.json()) as GqlResponse['body'] };
}

/** `data` of a query that must succeed; its errors otherwise fail the test with their messages. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON, checked by the assertions
export async function data<T = Record<string, any>>(url: string, query: string, options: { variables?: Record<string, unknown>; token?: string } = {}): Promise<T> {
  const r = await gql(url, query, options);
  if (r.body.errors || r.status !== 200) throw new Error(`GraphQL ${r.status}: ${JSON.stringify(r.body.errors)}`);
  return r.body.data as T;
}

/** A graphql-ws client over `ws`, failing fast instead of retrying. */
export function wsClient(url: string, token?: string): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: true,
    ...(token ? { connectionParams: { authorization: `Bearer ${token}` } } : {}),
  });
}

/** Every event of a subscription until it completes (or `until` says stop), in order. */
export async function collect<T>(client: Client, query: string, variables: Record<string, unknown>, until?: (event: T) => boolean): Promise<T[]> {
  const events: T[] = [];
  const it = client.iterate<T>({ query, variables });
  for await (const result of it) {
    if (result.errors) throw new Error(`subscription error: ${JSON.stringify(result.errors)}`);
    events.push(result.data as T);
    if (until?.(result.data as T)) {
      await it.return?.();
      break;
    }
  }
  return events;
}
