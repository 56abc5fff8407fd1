import { publicError } from './errors.js';

/** An opaque Relay cursor for an entity id. */
export function encodeCursor(id: string): string {
  return Buffer.from(`id:${id}`, 'utf8').toString('base64url');
}

/** The id inside a cursor. @throws BAD_USER_INPUT for a string that is not one of ours. */
export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith('id:') || encodeCursor(text.slice(3)) !== cursor) throw publicError('BAD_USER_INPUT', `after: not a cursor of this API, got "${cursor}"`);
  return text.slice(3);
}

/** Largest page a connection returns. */
export const MAX_PAGE = 100;

/** The page a connection returns when `first` is not given. */
export const DEFAULT_PAGE = 20;

/** A Relay connection's page: nodes after the `after` cursor, at most `first`, and its page info. */
export interface Page<T> {
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly hasPreviousPage: boolean; readonly startCursor: string | null; readonly endCursor: string | null };
  readonly totalCount: number;
}

/** Cuts one page out of an ordered list of entities (Relay forward pagination). */
export function paginate<T extends { readonly id: string }>(items: readonly T[], args: { first?: number | null; after?: string | null }): Page<T> {
  const first = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE) throw publicError('BAD_USER_INPUT', `first must be an integer in 0..${MAX_PAGE}, got ${first}`);
  let start = 0;
  if (args.after) {
    const id = decodeCursor(args.after);
    const at = items.findIndex((item) => item.id === id);
    if (at < 0) throw publicError('BAD_USER_INPUT', `after: no item with the cursor "${args.after}" in this list`);
    start = at + 1;
  }
  const slice = items.slice(start, start + first);
  const edges = slice.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    pageInfo: { hasNextPage: start + first < items.length, hasPreviousPage: start > 0, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount: items.length,
  };
}
