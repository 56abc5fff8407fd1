import { objectType } from 'nexus';
import { frontMembers } from '../front-view.js';

export const Front = objectType({
  name: 'Front',
  description: 'Pareto-optimal candidates (accuracy, latency, peak RAM, deployed size) meeting the limits asked for.',
  definition(t) {
    t.nonNull.int('version', { description: 'Version of the stored front; each change adds 1.' });
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
  },
});
