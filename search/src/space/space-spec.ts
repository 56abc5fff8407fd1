import type { DistillRecipe, PruneRecipe, QuantRecipe } from '@frontier/workers';

/** A value a parameter can take. */
export type Choice = string | number | boolean;

/** A numeric range. `step` makes it discrete (low, low + step, … high); `log` samples it on a log scale. */
export interface RangeSpec {
  readonly low: number;
  readonly high: number;
  readonly step?: number;
  readonly log?: boolean;
}

/**
 * One parameter of a search space: a fixed value, a list of values (numbers are ordered, so
 * samplers treat them as points on a line; strings and booleans are unordered), or a range.
 */
export type ParamSpec<T extends Choice> = T | { readonly values: readonly T[] } | (T extends number ? RangeSpec : never);

/** Common to every technique: whether the search may leave it out (default true). */
interface TechniqueSpecBase {
  readonly optional?: boolean;
}

export interface LowRankSpace extends TechniqueSpecBase {
  readonly rankRatio: ParamSpec<number>;
}

export interface PruneSpace extends TechniqueSpecBase {
  readonly ratio: ParamSpec<number>;
  /** Default 'unstructured'. */
  readonly structure?: ParamSpec<PruneRecipe['structure']>;
  /** Left out: the kernel's default. */
  readonly scope?: ParamSpec<NonNullable<PruneRecipe['scope']>>;
  /** Left out: the kernel's default. */
  readonly criterion?: ParamSpec<NonNullable<PruneRecipe['criterion']>>;
}

export interface DistillSpace extends TechniqueSpecBase {
  /** Default 4. */
  readonly temperature?: ParamSpec<number>;
  /** Default 0.5. */
  readonly alpha?: ParamSpec<number>;
  /** Default 1. */
  readonly epochs?: ParamSpec<number>;
  /** Default 'all'. */
  readonly layers?: ParamSpec<DistillRecipe['layers']>;
}

export interface QuantSpace extends TechniqueSpecBase {
  readonly weightBits: ParamSpec<QuantRecipe['weightBits']>;
  /** Default 8. */
  readonly activationBits?: ParamSpec<QuantRecipe['activationBits']>;
  /** Default 'per-channel'. */
  readonly granularity?: ParamSpec<QuantRecipe['granularity']>;
  /** Default true. */
  readonly symmetric?: ParamSpec<boolean>;
}

/**
 * A user's search space, as JSON: the techniques the search may apply and the values of their
 * parameters. A technique left out of the space is never applied; one in it is applied or not as
 * the sampler chooses, unless `optional: false`.
 *
 * ```json
 * { "prune": { "ratio": { "low": 0.3, "high": 0.9, "step": 0.2 }, "structure": { "values": ["unstructured", "channel"] } },
 *   "quant": { "weightBits": { "values": [4, 8] }, "optional": false } }
 * ```
 */
export interface SpaceSpec {
  readonly lowRank?: LowRankSpace;
  readonly prune?: PruneSpace;
  readonly distill?: DistillSpace;
  readonly quant?: QuantSpace;
}
