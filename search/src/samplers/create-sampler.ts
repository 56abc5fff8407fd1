import { UnreachableCaseError } from '@frontier/workers';
import { SearchError } from '../errors.js';
import { show } from '@frontier/workers';
import { GpSampler, type GpOptions } from './gp/gp-sampler.js';
import { GridSampler } from './grid-sampler.js';
import { Nsga2Sampler, type Nsga2Options } from './nsga2/nsga2-sampler.js';
import { RandomSampler } from './random-sampler.js';
import type { Sampler, SamplerContext } from './sampler.js';
import { TpeSampler, type TpeOptions } from './tpe/tpe-sampler.js';

/** A run's sampler setting, as stored with the run. */
export type SamplerConfig =
  | { readonly kind: 'random' }
  | { readonly kind: 'grid' }
  | ({ readonly kind: 'nsga2' } & Nsga2Options)
  | ({ readonly kind: 'tpe' } & TpeOptions)
  | ({ readonly kind: 'gp' } & GpOptions);

export const SAMPLER_KINDS = ['random', 'grid', 'nsga2', 'tpe', 'gp'] as const;
/** The sampler a run gets when it names none (CLI and API alike): the one that spends fewest evaluations. */
export const DEFAULT_SAMPLER_KIND = 'gp' satisfies (typeof SAMPLER_KINDS)[number];

/** Each kind's options and the check each value must pass. */
const OPTION_CHECKS: Record<SamplerConfig['kind'], Record<string, [string, (v: number) => boolean]>> = {
  random: {},
  grid: {},
  nsga2: {
    populationSize: ['an integer ≥ 2', (v) => Number.isInteger(v) && v >= 2],
    crossoverProbability: ['in [0, 1]', (v) => v >= 0 && v <= 1],
    mutationRate: ['in [0, 1]', (v) => v >= 0 && v <= 1],
  },
  tpe: {
    startupTrials: ['an integer ≥ 1', (v) => Number.isInteger(v) && v >= 1],
    candidates: ['an integer ≥ 1', (v) => Number.isInteger(v) && v >= 1],
    gamma: ['in (0, 1)', (v) => v > 0 && v < 1],
    maxGood: ['an integer ≥ 1', (v) => Number.isInteger(v) && v >= 1],
    priorWeight: ['> 0', (v) => v > 0],
  },
  gp: {
    pool: ['an integer ≥ 1', (v) => Number.isInteger(v) && v >= 1],
    sampledPool: ['an integer ≥ 1', (v) => Number.isInteger(v) && v >= 1],
    screenPerAsk: ['an integer ≥ 1', (v) => Number.isInteger(v) && v >= 1],
    maxTraining: ['an integer ≥ 1', (v) => Number.isInteger(v) && v >= 1],
  },
};

/** Validates a sampler setting (JSON): `{kind: 'tpe', candidates: 48}`. Errors are `BAD_ARGUMENT`. */
export function parseSamplerConfig(value: unknown): SamplerConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SearchError('BAD_ARGUMENT', `sampler must be an object with a kind, got ${show(value)}`);
  }
  const { kind, ...options } = value as Record<string, unknown>;
  if (!(SAMPLER_KINDS as readonly unknown[]).includes(kind)) {
    throw new SearchError('BAD_ARGUMENT', `sampler.kind must be one of ${SAMPLER_KINDS.join(', ')}, got ${show(kind)}`);
  }
  const checks = OPTION_CHECKS[kind as SamplerConfig['kind']];
  for (const [key, v] of Object.entries(options)) {
    const check = checks[key];
    if (!check) {
      const allowed = Object.keys(checks);
      throw new SearchError('BAD_ARGUMENT', `sampler ${show(kind)} has no option ${show(key)}${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`);
    }
    if (typeof v !== 'number' || !check[1](v)) throw new SearchError('BAD_ARGUMENT', `sampler.${key} must be ${check[0]}, got ${show(v)}`);
  }
  return value as SamplerConfig;
}

/** The sampler a setting names, over the context's space, objectives, constraints and Rng. */
export function createSampler(config: SamplerConfig, context: SamplerContext): Sampler {
  switch (config.kind) {
    case 'random':
      return new RandomSampler(context);
    case 'grid':
      return new GridSampler(context);
    case 'nsga2':
      return new Nsga2Sampler(context, config);
    case 'tpe':
      return new TpeSampler(context, config);
    case 'gp':
      return new GpSampler(context, config);
    default:
      throw new UnreachableCaseError(config);
  }
}
