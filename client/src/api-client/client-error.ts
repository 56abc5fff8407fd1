/**
 * Codes of {@link FrontierClientError}: the server's public GraphQL codes, and the client's own —
 * `NETWORK` (the server could not be reached or answered something that is not Frontier's API) and
 * `INTEGRITY` (downloaded bytes do not hash to the sha256 asked for).
 */
export type ClientErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'INTERNAL_SERVER_ERROR' | 'NETWORK' | 'INTEGRITY';

const SERVER_CODES = new Set<string>(['BAD_USER_INPUT', 'NOT_FOUND', 'UNAUTHENTICATED', 'FORBIDDEN', 'INTERNAL_SERVER_ERROR']);

/** The one error class of the typed client; `code` says what kind of failure it is. */
export class FrontierClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FrontierClientError';
  }
}

/** The client error for a GraphQL error as the server formats it (`extensions.code`). */
export function fromGraphQLError(error: { message: string; extensions?: { code?: unknown } | undefined }): FrontierClientError {
  const code = typeof error.extensions?.code === 'string' && SERVER_CODES.has(error.extensions.code) ? (error.extensions.code as ClientErrorCode) : 'BAD_USER_INPUT';
  return new FrontierClientError(code, error.message);
}

/** True when `err` is a {@link FrontierClientError}, with `code` when given. */
export function isClientError(err: unknown, code?: ClientErrorCode): err is FrontierClientError {
  return err instanceof FrontierClientError && (code === undefined || err.code === code);
}
