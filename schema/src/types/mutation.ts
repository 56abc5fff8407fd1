import { arg, idArg, mutationType, nonNull } from 'nexus';
import { toSearchConstraints } from '../constraints.js';
import { publicError, requireWrite } from '../errors.js';

/** Objectives of a search that names none (the CLI's default too). */
const DEFAULT_OBJECTIVES = ['accuracy', 'latencyMs', 'deployBytes'];

export const Mutation = mutationType({
  definition(t) {
    t.nonNull.field('registerDevice', {
      type: 'Device',
      description: 'Stores a device spec (see `frontier devices --json` for the format), replacing one with the same id.',
      args: { spec: nonNull(arg({ type: 'JSON' })) },
      resolve: (_r, { spec }, ctx) => {
        requireWrite(ctx.scope, 'registerDevice');
        return ctx.platform.registerDevice(spec);
      },
    });
    t.nonNull.field('startSearch', {
      type: 'SearchRun',
      args: { input: nonNull(arg({ type: 'StartSearchInput' })) },
      resolve: (_r, { input }, ctx) => {
        requireWrite(ctx.scope, 'startSearch');
        if (input.space !== undefined && input.space !== null && (typeof input.space !== 'object' || Array.isArray(input.space))) {
          throw publicError('BAD_USER_INPUT', `input.space must be a JSON object, got ${JSON.stringify(input.space)}`);
        }
        return ctx.platform.startSearch({
          modelId: input.modelId,
          deviceId: input.deviceId,
          objectives: input.objectives ?? DEFAULT_OBJECTIVES,
          constraints: toSearchConstraints(input.constraints),
          budget: {
            ...(input.budget.evaluations != null ? { evaluations: input.budget.evaluations } : {}),
            ...(input.budget.seconds != null ? { seconds: input.budget.seconds } : {}),
          },
          sampler: { kind: input.sampler ?? 'tpe' },
          seed: input.seed ?? 0,
          ...(input.space ? { space: input.space } : {}),
        });
      },
    });
    t.nonNull.field('cancelSearch', {
      type: 'SearchRun',
      description: 'Cancels a queued or running search; what it found stays.',
      args: { runId: nonNull(idArg()) },
      resolve: (_r, { runId }, ctx) => {
        requireWrite(ctx.scope, 'cancelSearch');
        return ctx.platform.cancelSearch(runId);
      },
    });
  },
});
