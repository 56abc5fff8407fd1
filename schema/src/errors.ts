import { GraphQLError } from 'graphql';

/** The error codes clients may branch on, in `extensions.code`. */
export type PublicErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'INTERNAL_SERVER_ERROR';

/** A GraphQL error with a public code (and an HTTP status for errors raised before execution). */
export function publicError(code: PublicErrorCode, message: string, httpStatus?: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(httpStatus !== undefined ? { http: { status: httpStatus } } : {}) } });
}

/** Codes of Frontier's own errors (store, search, workers) that are the caller's doing. */
const USER_CODES = new Set([
  'BAD_ARGUMENT', 'BAD_SPACE', 'BAD_RECIPE', 'BAD_MODEL', 'UNSUPPORTED_OP', 'BAD_DATASET', 'BAD_DEVICE', 'EVALUATION_FAILED', 'CONFLICT',
]);
const FRONTIER_ERRORS = new Set(['StoreError', 'SearchError', 'WorkersError']);

/**
 * Maps an error thrown by a resolver to what a client sees: Frontier's NOT_FOUND stays NOT_FOUND,
 * invalid inputs become BAD_USER_INPUT with their message (which names the bad value), GraphQL's
 * own validation errors keep their code, and anything else becomes INTERNAL_SERVER_ERROR with a
 * fixed message — no stack, no internals.
 */
export function publicCode(err: unknown): { code: PublicErrorCode; message?: string } {
  const e = err as { name?: unknown; code?: unknown; message?: unknown } | null;
  if (e && typeof e.name === 'string' && FRONTIER_ERRORS.has(e.name) && typeof e.code === 'string') {
    if (e.code === 'NOT_FOUND') return { code: 'NOT_FOUND', message: String(e.message) };
    if (USER_CODES.has(e.code)) return { code: 'BAD_USER_INPUT', message: String(e.message) };
  }
  return { code: 'INTERNAL_SERVER_ERROR' };
}

/** Throws FORBIDDEN unless the caller holds the `write` scope. */
export function requireWrite(scope: 'read' | 'write', action: string): void {
  if (scope !== 'write') throw publicError('FORBIDDEN', `${action} needs a write token; this token is read-only`);
}
