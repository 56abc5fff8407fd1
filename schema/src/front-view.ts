import { meetingConstraints, type Candidate, type Constraints, type FrontKey } from '@frontier/search';
import type { SchemaContext } from './context.js';
import type { Front } from './source-types.js';

/** The stored front of a key, to be filtered by `constraints` when its members are read. */
export async function frontView(ctx: SchemaContext, key: FrontKey, constraints: Constraints): Promise<Front> {
  const front = await ctx.store.getFront(key);
  return { version: front.version, memberIds: front.memberIds, constraints };
}

/** A front's members meeting its constraints, most accurate first (one batched store call). */
export async function frontMembers(ctx: SchemaContext, front: Front): Promise<Candidate[]> {
  const loaded = await ctx.loaders.candidate.loadMany(front.memberIds);
  const candidates = loaded.filter((c): c is Candidate => !(c instanceof Error));
  return meetingConstraints(candidates, front.constraints).sort((a, b) => b.metrics!.accuracy.val - a.metrics!.accuracy.val || (a.id < b.id ? -1 : 1));
}
