// Talking to the server the page came from: GraphQL over fetch, live progress over graphql-ws,
// model uploads; the access token (when the server needs one) kept in localStorage.
import { print } from '@0no-co/graphql.web';
import type { TadaDocumentNode } from 'gql.tada';
import { createClient, type Client } from 'graphql-ws';

const TOKEN_KEY = 'frontier.token';

/** An error the server (or the network) answered, with its public code when there is one. */
export class RequestError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'RequestError';
    this.code = code;
  }
}

export function storedToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

/** Stores the token (or forgets it when empty) and reconnects the live channel with it. */
export function setToken(token: string): void {
  if (token.trim() === '') localStorage.removeItem(TOKEN_KEY);
  else localStorage.setItem(TOKEN_KEY, token.trim());
  void ws?.dispose();
  ws = undefined;
}

function authHeaders(): Record<string, string> {
  const token = storedToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export interface Health {
  readonly ok: boolean;
  readonly version: string;
  /** True when the server needs a token for everything but this. */
  readonly tokens: boolean;
}

export async function health(): Promise<Health> {
  const res = await fetch('/healthz');
  return (await res.json()) as Health;
}

interface GraphQLBody<T> {
  readonly data?: T | null;
  readonly errors?: readonly { readonly message: string; readonly extensions?: { readonly code?: string } }[];
}

/** Runs a query or mutation; errors become a RequestError naming the server's message. */
export async function request<R, V>(document: TadaDocumentNode<R, V>, variables: V): Promise<R> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...authHeaders() },
      body: JSON.stringify({ query: print(document), variables }),
    });
  } catch (err) {
    throw new RequestError('NETWORK', `the server did not answer: ${(err as Error).message}`);
  }
  const body = (await res.json()) as GraphQLBody<R>;
  const error = body.errors?.[0];
  if (error) throw new RequestError(error.extensions?.code ?? 'ERROR', error.message);
  if (!body.data) throw new RequestError('ERROR', `the server answered ${res.status} without data`);
  return body.data;
}

let ws: Client | undefined;

/** The page's one graphql-ws connection, opened on first use, retried when it drops. */
function wsClient(): Client {
  ws ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => {
      const token = storedToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
    lazy: true,
    retryAttempts: 20,
    // A refused token (4401/4403) will not get better by retrying.
    shouldRetry: (event) => !(event instanceof CloseEvent && (event.code === 4401 || event.code === 4403)),
  });
  return ws;
}

/**
 * Subscribes to an operation; `next` gets each result's data. Returns the unsubscribe function.
 * A reconnect starts the subscription again, which opens with a snapshot, so nothing is missed.
 */
export function subscribe<R, V>(document: TadaDocumentNode<R, V>, variables: V, handlers: { next(data: R): void; error(err: RequestError): void; complete?(): void }): () => void {
  return wsClient().subscribe<R>(
    { query: print(document), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        const error = result.errors?.[0];
        if (error) handlers.error(new RequestError(String(error.extensions?.['code'] ?? 'ERROR'), error.message));
        else if (result.data) handlers.next(result.data);
      },
      error: (err: unknown) => {
        const reason = err instanceof CloseEvent ? err.reason || `connection closed (${err.code})` : err instanceof Error ? err.message : 'live updates failed';
        handlers.error(new RequestError('LIVE', reason));
      },
      complete: () => handlers.complete?.(),
    },
  );
}

/** Uploads an ONNX file as a model; answers its id. */
export async function uploadModel(name: string, file: Blob): Promise<{ id: string; name: string }> {
  const res = await fetch(`/models?name=${encodeURIComponent(name)}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...authHeaders() }, body: file });
  const body = (await res.json()) as { id?: string; name?: string } & GraphQLBody<never>;
  const error = body.errors?.[0];
  if (!res.ok || error || !body.id) throw new RequestError(error?.extensions?.code ?? 'ERROR', error?.message ?? `upload failed (${res.status})`);
  return { id: body.id, name: body.name ?? name };
}

/**
 * Downloads an artifact with the token (a plain link cannot send one) and hands it to the browser
 * as a file named `name`.
 */
export async function downloadArtifact(sha256: string, name: string): Promise<void> {
  const res = await fetch(`/artifacts/${sha256}`, { headers: authHeaders() });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as GraphQLBody<never>;
    throw new RequestError(body.errors?.[0]?.extensions?.code ?? 'ERROR', body.errors?.[0]?.message ?? `download failed (${res.status})`);
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
