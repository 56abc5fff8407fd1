import { arg, idArg, mutationType, nonNull } from 'nexus';
import { toSearchConstraints } from '../constraints.js';
import { DEFAULT_SAMPLER_KIND, type NewDataset } from '@frontier/search';
import { publicError, requireWrite } from '../errors.js';
import type { NexusGenInputs } from '../generated/nexus-typegen.js';

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
    t.nonNull.field('registerDataset', {
      type: 'Dataset',
      description: 'Registers a dataset from files on the server (decoded and cached once); the same content returns the dataset already registered.',
      args: { input: nonNull(arg({ type: 'RegisterDatasetInput' })) },
      resolve: (_r, { input }, ctx) => {
        requireWrite(ctx.scope, 'registerDataset');
        return ctx.platform.registerDataset(toNewDataset(input));
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
          ...(input.datasetId ? { dataset: input.datasetId } : {}),
          objectives: input.objectives ?? DEFAULT_OBJECTIVES,
          constraints: toSearchConstraints(input.constraints),
          budget: {
            ...(input.budget.evaluations != null ? { evaluations: input.budget.evaluations } : {}),
            ...(input.budget.seconds != null ? { seconds: input.budget.seconds } : {}),
          },
          sampler: { kind: input.sampler ?? DEFAULT_SAMPLER_KIND },
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

type RegisterDatasetArgs = NexusGenInputs['RegisterDatasetInput'];

/** The GraphQL input as the engine takes it; enum-like strings are checked here, naming the field. */
function toNewDataset(i: RegisterDatasetArgs): NewDataset {
  const oneOf = <T extends string>(field: string, value: string | null | undefined, allowed: readonly T[]): T | undefined => {
    if (value === null || value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) throw publicError('BAD_USER_INPUT', `input.${field} must be ${allowed.join(' or ')}, got "${value}"`);
    return value as T;
  };
  if (i.size && i.size.length !== 2) throw publicError('BAD_USER_INPUT', `input.size must be [H, W], got [${i.size.join(', ')}]`);
  if (i.channels !== null && i.channels !== undefined && i.channels !== 1 && i.channels !== 3) throw publicError('BAD_USER_INPUT', `input.channels must be 1 or 3, got ${i.channels}`);
  if (Boolean(i.mean) !== Boolean(i.std)) throw publicError('BAD_USER_INPUT', 'input.mean and input.std go together');
  if (i.normalize && i.mean) throw publicError('BAD_USER_INPUT', 'give input.normalize or input.mean/std, not both');
  const resize = oneOf('resize', i.resize, ['crop', 'stretch'] as const);
  const badFiles = oneOf('badFiles', i.badFiles, ['skip', 'refuse'] as const);
  const normalize = oneOf('normalize', i.normalize, ['imagenet', 'none'] as const);
  return {
    name: i.name,
    path: i.path,
    ...(i.labelsPath ? { labelsPath: i.labelsPath } : {}),
    ...(i.classNames ? { classNames: i.classNames } : {}),
    ...(i.split ? { split: { val: i.split.val, test: i.split.test, ...(i.split.seed != null ? { seed: i.split.seed } : {}) } } : {}),
    ...(i.size ? { size: [i.size[0]!, i.size[1]!] as const } : {}),
    ...(resize ? { resize } : {}),
    ...(i.channels ? { channels: i.channels } : {}),
    ...(badFiles ? { badFiles } : {}),
    ...(normalize ? { normalize } : {}),
    ...(i.mean && i.std ? { normalize: { mean: i.mean, std: i.std } } : {}),
  };
}
