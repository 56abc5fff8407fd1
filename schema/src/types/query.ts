import { BUILTIN_DATASET, resolveDataset, selectCandidate } from '@frontier/search';
import { arg, idArg, intArg, nonNull, queryType, stringArg } from 'nexus';
import { toMissView, toSearchConstraints } from '../constraints.js';
import { paginate } from '../cursor.js';
import { frontMembers, frontView } from '../front-view.js';
import { orNull } from '../or-null.js';

/** The dataset fronts are kept for unless a query names another (a registered one by id or name). */
const DEFAULT_DATASET = BUILTIN_DATASET;

export const Query = queryType({
  definition(t) {
    t.nonNull.field('health', { type: 'Health', resolve: (_r, _a, ctx) => ctx.platform.health() });
    t.nonNull.list.nonNull.field('devices', { type: 'Device', resolve: (_r, _a, ctx) => ctx.store.listDevices() });
    t.field('device', { type: 'Device', args: { id: nonNull(idArg()) }, resolve: (_r, { id }, ctx) => orNull(ctx.loaders.device.load(id)) });
    t.nonNull.list.nonNull.field('datasets', { type: 'Dataset', description: 'Registered datasets, by name.', resolve: (_r, _a, ctx) => ctx.store.listDatasets() });
    t.field('dataset', { type: 'Dataset', args: { id: nonNull(idArg()) }, resolve: (_r, { id }, ctx) => orNull(ctx.store.getDataset(id)) });
    t.nonNull.list.nonNull.field('models', { type: 'Model', resolve: (_r, _a, ctx) => ctx.store.listModels() });
    t.field('model', { type: 'Model', args: { id: nonNull(idArg()) }, resolve: (_r, { id }, ctx) => orNull(ctx.loaders.model.load(id)) });
    t.nonNull.field('runs', {
      type: 'SearchRunConnection',
      description: 'Runs, newest first.',
      args: { first: intArg(), after: stringArg(), status: arg({ type: 'RunStatus' }) },
      resolve: async (_r, args, ctx) => paginate(await ctx.store.listRuns(args.status ? { status: args.status } : {}), args),
    });
    t.field('run', { type: 'SearchRun', args: { id: nonNull(idArg()) }, resolve: (_r, { id }, ctx) => orNull(ctx.loaders.run.load(id)) });
    t.field('candidate', { type: 'Candidate', args: { id: nonNull(idArg()) }, resolve: (_r, { id }, ctx) => orNull(ctx.loaders.candidate.load(id)) });
    t.nonNull.field('paretoFront', {
      type: 'Front',
      description: 'The stored front of a model on a device (across runs), members meeting the constraints. dataset: fashion-mnist (default), or a registered one by id or name.',
      args: { modelId: nonNull(idArg()), deviceId: nonNull(idArg()), constraints: arg({ type: 'ConstraintsInput' }), dataset: stringArg() },
      resolve: async (_r, args, ctx) => {
        await Promise.all([ctx.loaders.model.load(args.modelId), ctx.loaders.device.load(args.deviceId)]);
        const key = { modelId: args.modelId, deviceId: args.deviceId, dataset: (await resolveDataset(ctx.store, args.dataset ?? DEFAULT_DATASET)).key };
        return frontView(ctx, key, toSearchConstraints(args.constraints));
      },
    });
    t.nonNull.field('select', {
      type: 'Selection',
      description: 'One model from the stored front under the constraints; ties broken deterministically. When none qualifies: the nearest miss.',
      args: {
        modelId: nonNull(idArg()),
        deviceId: nonNull(idArg()),
        constraints: arg({ type: 'ConstraintsInput' }),
        prefer: arg({ type: 'Preference' }),
        dataset: stringArg(),
      },
      resolve: async (_r, args, ctx) => {
        await Promise.all([ctx.loaders.model.load(args.modelId), ctx.loaders.device.load(args.deviceId)]);
        const constraints = toSearchConstraints(args.constraints);
        const key = { modelId: args.modelId, deviceId: args.deviceId, dataset: (await resolveDataset(ctx.store, args.dataset ?? DEFAULT_DATASET)).key };
        const front = await frontView(ctx, key, {});
        const members = await frontMembers(ctx, front);
        const s = selectCandidate({ candidates: members, constraints, ...(args.prefer ? { prefer: args.prefer } : {}) });
        if (s.candidate) return { candidate: s.candidate, unsatisfied: [], front };
        return { ...(s.nearest ? { nearest: s.nearest } : {}), unsatisfied: s.unsatisfied.map(toMissView), front };
      },
    });
  },
});
