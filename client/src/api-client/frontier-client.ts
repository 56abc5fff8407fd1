import { print } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import type { TadaDocumentNode } from 'gql.tada';
import { FrontierClientError, fromGraphQLError } from './client-error.js';
import { plainBytes, sha256Hex } from './sha256.js';

/** How a subscription reconnects after its connection drops (a server restart, a network cut). */
export interface RetryOptions {
  /** Reconnection attempts in a row before the subscription fails. Default 30. */
  readonly attempts?: number;
  /** Wait before the first attempt, doubled after each failed one. Default 250 ms. */
  readonly initialWaitMs?: number;
  /** Longest wait between attempts. Default 5000 ms. */
  readonly maxWaitMs?: number;
}

export interface FrontierClientOptions {
  /** The server, e.g. `http://127.0.0.1:4000` (a trailing `/graphql` is accepted). */
  readonly url: string;
  /** Sent as `Authorization: Bearer TOKEN`, and over graphql-ws in `connectionParams.authorization`. */
  readonly token?: string | undefined;
  /** The WebSocket class for subscriptions; default the global one (browsers, Node ≥ 22). */
  readonly webSocketImpl?: unknown;
  readonly retry?: RetryOptions;
  /** Told about each reconnection attempt of a subscription (for a log line). */
  readonly onReconnecting?: (attempt: number) => void;
}

/** A registered model as `POST /models` answers. */
export interface UploadedModel {
  readonly id: string;
  readonly name: string;
  readonly sha256: string;
}

interface GraphQLResponse<R> {
  readonly data?: R | null;
  readonly errors?: readonly { message: string; extensions?: { code?: unknown } }[];
}

/**
 * The typed client of a Frontier server: queries and mutations over HTTP, subscriptions over
 * graphql-ws that reconnect and re-subscribe on their own (`searchProgress` opens each subscription
 * with a SNAPSHOT, so a reconnect loses nothing), model upload and verified artifact download.
 * Uses only `fetch`, WebCrypto and a WebSocket class, so it runs in browsers too; in Node 20 use
 * {@link connect}, which supplies the `ws` package's WebSocket.
 */
export class FrontierClient {
  readonly url: string;
  readonly #token: string | undefined;
  readonly #o: FrontierClientOptions;
  #ws: Client | undefined;

  constructor(options: FrontierClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new FrontierClientError('BAD_USER_INPUT', `the server URL must be like http://host:4000, got "${options.url}"`);
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new FrontierClientError('BAD_USER_INPUT', `the server URL must start with http:// or https://, got "${options.url}"`);
    this.url = options.url.replace(/\/+$/, '').replace(/\/graphql$/, '');
    this.#token = options.token || undefined;
    this.#o = options;
  }

  /** Runs a query or mutation; GraphQL errors reject with a {@link FrontierClientError} carrying the server's code. */
  async request<R, V>(document: TadaDocumentNode<R, V>, variables: V): Promise<R> {
    const res = await this.#fetch(`${this.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...this.#auth() },
      body: JSON.stringify({ query: print(document), variables }),
    });
    const body = await this.#json<GraphQLResponse<R>>(res);
    const first = body.errors?.[0];
    if (first) throw fromGraphQLError(first);
    if (!res.ok || body.data == null) throw new FrontierClientError('NETWORK', `${this.url}/graphql answered ${res.status} without data`);
    return body.data;
  }

  /**
   * The events of a subscription, in order, until it completes. A dropped connection is retried
   * (see {@link RetryOptions}) and the operation subscribed again; errors reject the iteration.
   * Stop early with `return()` (a `break` out of `for await`).
   */
  subscribe<R, V>(document: TadaDocumentNode<R, V>, variables: V): AsyncIterableIterator<R> {
    const inner = this.#wsClient().iterate<R>({ query: print(document), variables: variables as Record<string, unknown> });
    const iterator: AsyncIterableIterator<R> = {
      next: async () => {
        let step: IteratorResult<{ data?: R | null; errors?: readonly { message: string; extensions?: { code?: unknown } }[] }>;
        try {
          step = await inner.next();
        } catch (err) {
          throw subscriptionError(err, this.url);
        }
        if (step.done) return { done: true, value: undefined };
        const first = step.value.errors?.[0];
        if (first) throw fromGraphQLError(first);
        return { done: false, value: step.value.data as R };
      },
      return: async () => {
        await inner.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Uploads an ONNX model (`POST /models?name=`); the server validates it and measures its baseline. */
  async uploadModel(input: { readonly name: string; readonly bytes: Uint8Array }): Promise<UploadedModel> {
    const res = await this.#fetch(`${this.url}/models?name=${encodeURIComponent(input.name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', ...this.#auth() },
      body: plainBytes(input.bytes),
    });
    const body = await this.#json<UploadedModel & GraphQLResponse<never>>(res);
    const first = body.errors?.[0];
    if (first) throw fromGraphQLError(first);
    return { id: body.id, name: body.name, sha256: body.sha256 };
  }

  /**
   * The bytes of a stored artifact (`GET /artifacts/<sha256>`), checked against the sha256: a
   * missing artifact rejects with NOT_FOUND, bytes that hash to anything else with INTEGRITY.
   */
  async downloadArtifact(sha256: string): Promise<Uint8Array> {
    const res = await this.#fetch(`${this.url}/artifacts/${encodeURIComponent(sha256)}`, { headers: this.#auth() });
    if (!res.ok) {
      const body = await this.#json<GraphQLResponse<never>>(res);
      const first = body.errors?.[0];
      throw first ? fromGraphQLError(first) : new FrontierClientError('NETWORK', `GET /artifacts/${sha256} answered ${res.status}`);
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    const actual = await sha256Hex(bytes);
    if (actual !== sha256) throw new FrontierClientError('INTEGRITY', `artifact ${sha256} from ${this.url} hashes to ${actual}: its bytes changed`);
    return bytes;
  }

  /** Closes the subscription connection (if one was opened). */
  async close(): Promise<void> {
    const ws = this.#ws;
    this.#ws = undefined;
    await ws?.dispose();
  }

  #auth(): Record<string, string> {
    return this.#token ? { authorization: `Bearer ${this.#token}` } : {};
  }

  async #fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new FrontierClientError('NETWORK', `cannot reach ${this.url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`, { cause: err });
    }
  }

  async #json<T>(res: Response): Promise<T> {
    const text = await res.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new FrontierClientError('NETWORK', `${this.url} answered ${res.status} with something that is not Frontier's JSON: ${text.slice(0, 120)}`);
    }
  }

  #wsClient(): Client {
    if (this.#ws) return this.#ws;
    const retry = this.#o.retry ?? {};
    const initial = retry.initialWaitMs ?? 250;
    const max = retry.maxWaitMs ?? 5000;
    const WebSocketImpl = this.#o.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket;
    if (!WebSocketImpl) throw new FrontierClientError('NETWORK', 'no WebSocket implementation: pass webSocketImpl (in Node 20 use connect())');
    this.#ws = createClient({
      url: `${this.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocketImpl,
      lazy: true,
      retryAttempts: retry.attempts ?? 30,
      // Any failure to connect is worth another try (a restarting server refuses connections for a
      // moment); graphql-ws still gives up at once on its fatal close codes (e.g. 4401).
      shouldRetry: () => true,
      retryWait: async (retries) => {
        this.#o.onReconnecting?.(retries + 1);
        await new Promise((resolve) => setTimeout(resolve, Math.min(max, initial * 2 ** retries)));
      },
      ...(this.#token ? { connectionParams: { authorization: `Bearer ${this.#token}` } } : {}),
    });
    return this.#ws;
  }
}

/** A subscription's failure as a client error: a close event (retries exhausted) or an error. */
function subscriptionError(err: unknown, url: string): FrontierClientError {
  if (err instanceof FrontierClientError) return err;
  const close = err as { code?: unknown; reason?: unknown };
  if (typeof close.code === 'number') {
    const code = close.code === 4401 ? 'UNAUTHENTICATED' : 'NETWORK';
    return new FrontierClientError(code, `subscription to ${url} closed (${close.code}${close.reason ? `: ${String(close.reason)}` : ''})`);
  }
  if (Array.isArray(err) && err[0] && typeof (err[0] as { message?: unknown }).message === 'string') return fromGraphQLError(err[0] as { message: string });
  return new FrontierClientError('NETWORK', `subscription to ${url} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
