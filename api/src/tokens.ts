import { createHash } from 'node:crypto';
import { publicError, type Scope } from '@frontier/schema';
import { ApiError } from './api-error.js';

/** Access tokens by the sha256 of their text (so a lookup does not compare secrets byte by byte). */
export type TokenTable = ReadonlyMap<string, Scope>;

/** Shortest token accepted: shorter ones are guessable. */
export const MIN_TOKEN_LENGTH = 16;

const hash = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Parses `read:TOKEN` / `write:TOKEN` entries separated by commas or newlines (FRONTIER_TOKENS, a
 * tokens file); blank entries and `#` comment lines are skipped. A bad entry is named by position
 * and scope, never by its secret. @throws ApiError BAD_TOKENS
 */
export function parseTokens(text: string, source: string): TokenTable {
  const table = new Map<string, Scope>();
  const entries = text.split(/[,\n]/).map((e) => e.trim()).filter((e) => e !== '' && !e.startsWith('#'));
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const scope = colon < 0 ? '' : entry.slice(0, colon);
    const token = colon < 0 ? '' : entry.slice(colon + 1);
    if (scope !== 'read' && scope !== 'write') {
      throw new ApiError('BAD_TOKENS', `${source} entry ${i + 1} must be read:TOKEN or write:TOKEN, got scope "${colon < 0 ? '(none)' : scope}"`);
    }
    if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
      throw new ApiError('BAD_TOKENS', `${source} entry ${i + 1} (${scope}): a token must be at least ${MIN_TOKEN_LENGTH} characters without spaces, got ${token.length}`);
    }
    table.set(hash(token), scope);
  });
  if (table.size === 0) throw new ApiError('BAD_TOKENS', `${source} holds no token`);
  return table;
}

/** The caller's identity: its scope and a key to count its connections by. */
export interface Caller {
  readonly scope: Scope;
  readonly key: string;
}

/**
 * Authenticates an `Authorization` value (`Bearer TOKEN`). Without a token table (a loopback-only
 * server) everyone may write. @throws UNAUTHENTICATED (HTTP 401) when it is missing or unknown.
 */
export function authenticate(authorization: unknown, tokens: TokenTable | undefined): Caller {
  if (!tokens) return { scope: 'write', key: 'local' };
  if (typeof authorization !== 'string' || authorization.trim() === '') {
    throw publicError('UNAUTHENTICATED', 'this server needs a token: send Authorization: Bearer TOKEN', 401);
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw publicError('UNAUTHENTICATED', 'Authorization must be "Bearer TOKEN"', 401);
  const key = hash(match[1]!);
  const scope = tokens.get(key);
  if (!scope) throw publicError('UNAUTHENTICATED', 'unknown token', 401);
  return { scope, key };
}
