import { inputObjectType } from 'nexus';

export const ConstraintsInput = inputObjectType({
  name: 'ConstraintsInput',
  description: 'Limits a model must meet. Memory in KiB; accuracy is a fraction in (0, 1] (validation split).',
  definition(t) {
    t.float('maxLatencyMs');
    t.float('maxRamKb');
    t.float('maxFlashKb');
    t.float('minAccuracy');
  },
});

export const BudgetInput = inputObjectType({
  name: 'BudgetInput',
  description: 'How much a search may spend: candidate evaluations, seconds, or both (whichever ends first).',
  definition(t) {
    t.int('evaluations');
    t.int('seconds');
  },
});

export const StartSearchInput = inputObjectType({
  name: 'StartSearchInput',
  definition(t) {
    t.nonNull.id('modelId');
    t.nonNull.id('deviceId');
    t.id('datasetId', { description: 'A registered dataset (see `datasets`); default the built-in fashion-mnist. The model must take its images.' });
    t.field('constraints', { type: 'ConstraintsInput' });
    t.nonNull.field('budget', { type: 'BudgetInput' });
    t.string('sampler', { description: 'gp, tpe, nsga2, random or grid (default gp).' });
    t.int('seed', { description: 'Seed of the sampler and of fine-tuning (default 0).' });
    t.field('space', { type: 'JSON', description: 'Search space; default every technique over its useful range.' });
    t.list.nonNull.string('objectives', { description: 'Default accuracy, latencyMs, deployBytes.' });
  },
});
