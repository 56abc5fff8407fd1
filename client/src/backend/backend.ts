import type { TadaDocumentNode } from 'gql.tada';

/**
 * Where the CLI's store commands and `select()` read and write: the embedded store in a data folder,
 * or a server. Both answer the same typed GraphQL documents (the embedded one executes them against
 * the same schema in this process), so every command is written once and prints the same output
 * either way. Failures reject with a `FrontierClientError` (`NOT_FOUND`, `BAD_USER_INPUT`, …).
 */
export interface Backend {
  readonly kind: 'embedded' | 'remote';
  /** The data folder or the server URL, for messages. */
  readonly location: string;
  /** Runs a query or mutation. */
  request<R, V>(document: TadaDocumentNode<R, V>, variables: V): Promise<R>;
  /** Registers an ONNX model (validated, op coverage checked, baseline measured); idempotent by content. */
  addModel(input: { readonly name: string; readonly bytes: Uint8Array }): Promise<{ readonly id: string }>;
  /** A stored artifact's bytes, checked against their sha256 (`NOT_FOUND`, `INTEGRITY`). */
  artifact(sha256: string): Promise<Uint8Array>;
  close(): Promise<void>;
}
