import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { parse, type DocumentNode, type GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { ApiError } from './api-error.js';

/** The server's limits; every one can be set in the server options. */
export interface Limits {
  /** Deepest selection (the contract's deepest useful query, run → front → members → run → model, is 6). */
  readonly maxDepth: number;
  readonly maxAliases: number;
  /** Lexical tokens in one document. */
  readonly maxTokens: number;
  /** Values an operation may resolve, counted per field and list item (see `costEstimator` in query-cost.ts). */
  readonly maxCost: number;
  /** Body of a GraphQL request. */
  readonly bodyBytes: number;
  /** Body of a model upload (`POST /models`). */
  readonly uploadBytes: number;
  /** A WebSocket whose unsent data passes this is closed (a stalled subscriber). */
  readonly sendBufferBytes: number;
  /** Open WebSocket connections per token (per server when there are no tokens). */
  readonly connectionsPerToken: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 2000,
  // The largest page a user may ask for, with every field, fits with room to spare. One page of 100
  // candidates (MAX_PAGE), every Candidate field walked from the schema (test/src/api/
  // api-operations.test.ts): per candidate 117 values (16 of its own scalars, latency 4, artifact 3,
  // stages 1 + 4 × 9 = 37, its run with every field but pages 57), plus per item its edge, cursor and
  // node 3, and pageInfo (every field, 5) and totalCount 1, counted per item (see costEstimator):
  // run 1 + candidates (1 + 100 × 126) = 12 602. 20 000 leaves about 70 more values per candidate
  // for fields to come, while two such pages (over 25 000), or a page of runs each with a page of
  // candidate ids (1 + 100 × (1 + 1 + 1 + 100 × 3) = 30 301), are refused.
  maxCost: 20_000,
  bodyBytes: 1024 * 1024,
  uploadBytes: 64 * 1024 * 1024,
  sendBufferBytes: 4 * 1024 * 1024,
  connectionsPerToken: 500,
};

/** Defaults overridden by `partial`, each checked to be a positive integer. @throws ApiError BAD_OPTION */
export function resolveLimits(partial: Partial<Limits> = {}): Limits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) throw new ApiError('BAD_OPTION', `limits.${key} must be a positive integer, got ${value}`);
  }
  return limits;
}

/**
 * Validation rules for depth and aliases (graphql-armor), added to GraphQL's own. The cost limit
 * needs the request's variables (a page size may be one), so it is checked once the operation is
 * resolved: `costRefusal` in query-cost.ts.
 */
export function limitRules(limits: Limits): ValidationRule[] {
  // Reported as validation errors (400 GRAPHQL_VALIDATION_FAILED); by default the rules throw,
  // which servers turn into a 500.
  const report = { propagateOnRejection: false, onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)] };
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: true, ...report }),
    maxAliasesRule({ n: limits.maxAliases, ...report }),
  ];
}

/**
 * Parses a document, refusing one of more than `maxTokens` tokens before it is fully read
 * (graphql-js's own `maxTokens`, the same limit Apollo applies through `parseOptions`).
 */
export function parseWithTokenLimit(source: string, maxTokens: number): DocumentNode {
  return parse(source, { maxTokens });
}
