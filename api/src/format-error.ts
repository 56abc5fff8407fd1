import { unwrapResolverError } from '@apollo/server/errors';
import { publicCode } from '@frontier/schema';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * What a client sees of an error. A GraphQLError raised on purpose (a parse or validation failure,
 * a refusal with a public code) keeps its message and code; Frontier's own errors are mapped to
 * NOT_FOUND or BAD_USER_INPUT with their message (which names the bad value); anything else
 * becomes INTERNAL_SERVER_ERROR with a fixed message and no stack or path. `log` gets what is hidden.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown, log: (line: string) => void): GraphQLFormattedError {
  const original = innermost(error);
  if (original instanceof GraphQLError) return withoutStack(formatted);
  const mapped = publicCode(original);
  if (mapped.code === 'INTERNAL_SERVER_ERROR') {
    log(`internal error: ${original instanceof Error ? (original.stack ?? original.message) : String(original)}`);
    return { message: 'internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  return { message: mapped.message ?? formatted.message, ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: mapped.code } };
}

/** The error a resolver threw, out of the wrappers graphql-js and Apollo put around it. */
function innermost(error: unknown): unknown {
  let e = unwrapResolverError(error);
  while (e instanceof GraphQLError && e.originalError) e = e.originalError;
  return e;
}

function withoutStack(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions || !('stacktrace' in formatted.extensions)) return formatted;
  const extensions = { ...formatted.extensions };
  delete extensions['stacktrace'];
  return { ...formatted, extensions };
}
