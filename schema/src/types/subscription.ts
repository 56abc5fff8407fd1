import { idArg, nonNull, objectType, subscriptionType } from 'nexus';
import { progressStream } from '../progress-stream.js';
import type { SearchProgress as Progress } from '../source-types.js';

export const SearchProgress = objectType({
  name: 'SearchProgress',
  definition(t) {
    t.nonNull.field('kind', { type: 'ProgressKind' });
    t.nonNull.field('run', { type: 'SearchRun', resolve: (p, _a, ctx) => p.run ?? ctx.loaders.run.load(p.runId) });
    t.field('candidate', { type: 'Candidate', resolve: (p) => p.candidate ?? null });
    t.field('front', { type: 'Front', resolve: (p) => p.front ?? null });
  },
});

export const Subscription = subscriptionType({
  definition(t) {
    t.nonNull.field('searchProgress', {
      type: 'SearchProgress',
      description: "A run's progress: a SNAPSHOT first (status, counts, front), then live events; completes when the run ends.",
      args: { runId: nonNull(idArg()) },
      subscribe: (_r, { runId }, ctx) => progressStream(ctx, runId),
      resolve: (p: Progress) => p,
    });
  },
});
