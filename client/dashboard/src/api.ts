// Talking to the server the page came from: GraphQL over fetch, live progress over graphql-ws,
// model uploads; the access token (when the server needs one) kept in localStorage.
import type { TadaDocumentNode } from 'gql.tada';
import { FrontierClientError } from '../../src/api-client/client-error.js';
import { FrontierClient } from '../../src/api-client/frontier-client.js';

export { FrontierClientError };

const TOKEN_KEY = 'frontier.token';

export function storedToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

/** Stores the token (or forgets it when empty); the next request or subscription uses it. */
export function setToken(token: string): void {
  if (token.trim() === '') localStorage.removeItem(TOKEN_KEY);
  else localStorage.setItem(TOKEN_KEY, token.trim());
  void current?.close();
  current = undefined;
}

let current: FrontierClient | undefined;

/** The page's client of the server it came from, with the stored token (one graphql-ws connection). */
function client(): FrontierClient {
  current ??= new FrontierClient({ url: location.origin, token: storedToken() ?? undefined, retry: { attempts: 20 } });
  return current;
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

/** Runs a query or mutation; errors reject with a FrontierClientError naming the server's message. */
export function request<R, V>(document: TadaDocumentNode<R, V>, variables: V): Promise<R> {
  return client().request(document, variables);
}

/**
 * Subscribes to an operation; `next` gets each result's data. Returns the unsubscribe function.
 * A reconnect starts the subscription again, which opens with a snapshot, so nothing is missed.
 */
export function subscribe<R, V>(document: TadaDocumentNode<R, V>, variables: V, handlers: { next(data: R): void; error(err: FrontierClientError): void; complete?(): void }): () => void {
  const events = client().subscribe(document, variables);
  let stopped = false;
  void (async () => {
    try {
      for await (const data of events) {
        if (stopped) return;
        handlers.next(data);
      }
      if (!stopped) handlers.complete?.();
    } catch (err) {
      if (!stopped) handlers.error(err instanceof FrontierClientError ? err : new FrontierClientError('NETWORK', String(err)));
    }
  })();
  return () => {
    stopped = true;
    void events.return?.();
  };
}

/** Uploads an ONNX file as a model; answers its id. */
export async function uploadModel(name: string, file: Blob): Promise<{ id: string; name: string }> {
  return client().uploadModel({ name, bytes: new Uint8Array(await file.arrayBuffer()) });
}

/**
 * Downloads an artifact with the token (a plain link cannot send one), checked against its
 * sha256, and hands it to the browser as a file named `name`.
 */
export async function downloadArtifact(sha256: string, name: string): Promise<void> {
  const bytes = await client().downloadArtifact(sha256);
  const url = URL.createObjectURL(new Blob([bytes as BlobPart]));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
