import { createHash } from 'node:crypto';

/** What a front's digest is made of: each member's id and the sha256 of its model file. */
export interface FrontMemberRef {
  readonly id: string;
  readonly artifactSha256?: string | undefined;
}

/**
 * The content version of a stored front: sha256 over its members' ids and artifact sha256s, sorted
 * by id, one `id:sha256` line each. Unlike the store's `version` counter (which counts
 * replacements of one store's row), equal member sets give equal digests in any store and any
 * order, and any change of membership or of a member's file gives another — what a lock file pins.
 */
export function frontDigest(members: readonly FrontMemberRef[]): string {
  const lines = members.map((m) => `${m.id}:${m.artifactSha256 ?? ''}\n`).sort();
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line);
  return hash.digest('hex');
}
