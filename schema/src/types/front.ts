import { frontDigest, type Candidate } from '@frontier/search';
import { objectType } from 'nexus';
import { frontMembers } from '../front-view.js';

export const Front = objectType({
  name: 'Front',
  description: 'Pareto-optimal candidates (accuracy, latency, peak RAM, deployed size) meeting the limits asked for.',
  definition(t) {
    t.nonNull.int('version', { description: 'Version of the stored front; each change adds 1.' });
    t.nonNull.string('digest', {
      description: "Content version of the stored front (all its members, whatever the constraints): sha256 over the members' ids and artifact sha256s. Equal fronts have equal digests in any store; a lock file pins it.",
      resolve: async (f, _a, ctx) => {
        const loaded = await ctx.loaders.candidate.loadMany(f.memberIds);
        return frontDigest(loaded.filter((c): c is Candidate => !(c instanceof Error)));
      },
    });
    t.nonNull.list.nonNull.field('members', { type: 'Candidate', resolve: (f, _a, ctx) => frontMembers(ctx, f) });
  },
});

export const ConstraintMiss = objectType({
  name: 'ConstraintMiss',
  description: 'A limit the nearest candidate misses: its value, and by how much it is past the limit (same unit, and relative to the limit).',
  definition(t) {
    t.nonNull.string('constraint');
    t.nonNull.float('limit');
    t.nonNull.float('value');
    t.nonNull.float('excess');
    t.nonNull.float('relative');
  },
});

export const Selection = objectType({
  name: 'Selection',
  description: 'The chosen candidate; when none meets every limit, the nearest one and the limits it misses.',
  definition(t) {
    t.field('candidate', { type: 'Candidate', resolve: (s) => s.candidate ?? null });
    t.field('nearest', { type: 'Candidate', resolve: (s) => s.nearest ?? null });
    t.list.nonNull.field('unsatisfied', { type: 'ConstraintMiss', resolve: (s) => (s.candidate ? null : [...s.unsatisfied]) });
    t.nonNull.field('front', { type: 'Front', description: 'The stored front the choice was made from (every member).' });
  },
});
