import { BUILTIN_DATASET, parseConstraints } from '@frontier/search';
import { intArg, list, nonNull, objectType, stringArg, arg } from 'nexus';
import { toConstraintsArgs } from '../constraints.js';
import { paginate } from '../cursor.js';
import { frontView } from '../front-view.js';
import { orNull } from '../or-null.js';

export const RunProgress = objectType({
  name: 'RunProgress',
  description: "Counts of a run's candidates, counted from the candidates themselves.",
  definition(t) {
    for (const f of ['total', 'pending', 'running', 'done', 'failed', 'infeasible', 'reused'] as const) t.nonNull.int(f);
  },
});

export const Budget = objectType({
  name: 'Budget',
  definition(t) {
    t.int('evaluations');
    t.int('seconds');
  },
});

export const Constraints = objectType({
  name: 'Constraints',
  description: 'The limits of a run, in the units of ConstraintsInput.',
  definition(t) {
    t.float('maxLatencyMs', { resolve: (c) => toConstraintsArgs(c).maxLatencyMs ?? null });
    t.float('maxRamKb', { resolve: (c) => toConstraintsArgs(c).maxRamKb ?? null });
    t.float('maxFlashKb', { resolve: (c) => toConstraintsArgs(c).maxFlashKb ?? null });
    t.float('minAccuracy', { resolve: (c) => toConstraintsArgs(c).minAccuracy ?? null });
  },
});

export const SearchRun = objectType({
  name: 'SearchRun',
  definition(t) {
    t.nonNull.id('id');
    t.nonNull.field('status', { type: 'RunStatus' });
    t.nonNull.field('model', { type: 'Model', resolve: (r, _a, ctx) => ctx.loaders.model.load(r.modelId) });
    t.nonNull.field('device', { type: 'Device', resolve: (r, _a, ctx) => ctx.loaders.device.load(r.deviceId) });
    t.nonNull.string('dataset', { description: 'The built-in `fashion-mnist`, or the id of the registered dataset searched on.' });
    t.field('registeredDataset', {
      type: 'Dataset',
      description: 'The registered dataset the run searches on (name, shape, classes); null for the built-in fashion-mnist.',
      resolve: (r, _a, ctx) => (r.dataset === BUILTIN_DATASET ? null : orNull(ctx.store.getDataset(r.dataset))),
    });
    t.nonNull.field('constraints', { type: 'Constraints', resolve: (r) => parseConstraints(r.constraints) });
    t.nonNull.list.nonNull.string('objectives', { resolve: (r) => (Array.isArray(r.objectives) ? r.objectives.map(String) : []) });
    t.nonNull.field('budget', { type: 'Budget' });
    t.nonNull.field('sampler', { type: 'JSON' });
    t.nonNull.field('space', { type: 'JSON' });
    t.nonNull.int('seed', { resolve: (r) => r.seed | 0 });
    t.nonNull.field('progress', { type: 'RunProgress' });
    t.nonNull.float('elapsedMs');
    t.string('error', { resolve: (r) => r.error ?? null });
    t.nonNull.string('createdAt');
    t.string('startedAt', { resolve: (r) => r.startedAt ?? null });
    t.string('finishedAt', { resolve: (r) => r.finishedAt ?? null });
    t.nonNull.field('front', {
      type: 'Front',
      description: "The stored front of the run's model, dataset and device (shared across runs), members meeting this run's constraints.",
      resolve: (r, _a, ctx) => frontView(ctx, { modelId: r.modelId, dataset: r.dataset, deviceId: r.deviceId }, parseConstraints(r.constraints)),
    });
    t.nonNull.field('candidates', {
      type: 'CandidateConnection',
      args: { first: intArg(), after: stringArg(), status: arg({ type: list(nonNull('CandidateStatus')) }) },
      resolve: async (r, args, ctx) => {
        const candidates = await ctx.store.listCandidates({ runId: r.id, ...(args.status ? { status: args.status } : {}) });
        return paginate(candidates, args);
      },
    });
  },
});

export const PageInfo = objectType({
  name: 'PageInfo',
  definition(t) {
    t.nonNull.boolean('hasNextPage');
    t.nonNull.boolean('hasPreviousPage');
    t.string('startCursor');
    t.string('endCursor');
  },
});

export const SearchRunEdge = objectType({
  name: 'SearchRunEdge',
  definition(t) {
    t.nonNull.string('cursor');
    t.nonNull.field('node', { type: 'SearchRun' });
  },
});

export const SearchRunConnection = objectType({
  name: 'SearchRunConnection',
  definition(t) {
    t.nonNull.list.nonNull.field('edges', { type: 'SearchRunEdge' });
    t.nonNull.field('pageInfo', { type: 'PageInfo' });
    t.nonNull.int('totalCount');
  },
});
