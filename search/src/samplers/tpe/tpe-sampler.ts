import { recipeKey } from '@frontier/workers';
import type { Recipe } from '@frontier/workers';
import { proposeUnique, seenKeys, unseenRecipe } from '../propose-unique.js';
import type { Sampler, SamplerContext, SearchHistory, Trial } from '../sampler.js';
import { TrialArchive } from '../trial-archive.js';
import { ParzenEstimator } from './parzen-estimator.js';
import { splitGoodBad } from './split.js';

export interface TpeOptions {
  /** Random trials before the model takes over. Default 10 (as Optuna). */
  readonly startupTrials?: number;
  /**
   * Candidates drawn from the good density per ask; the best ratio wins. Default 64 — Optuna draws
   * 24, but an evaluation here costs seconds to minutes and a candidate microseconds.
   */
  readonly candidates?: number;
  /** Fraction of the history in the good set, γ. Default 0.1. */
  readonly gamma?: number;
  /** Upper bound on the good set. Default 25 (as Optuna's default γ(n) = min(⌈0.1 n⌉, 25)). */
  readonly maxGood?: number;
  /** Weight of the prior component of both densities. Default 1. */
  readonly priorWeight?: number;
}

/**
 * Multi-objective, constrained TPE. Each ask splits the modelled trials into good and bad
 * (split.ts: Pareto rank, hypervolume subset, feasibility first), fits a multivariate Parzen
 * density to each (parzen-estimator.ts), draws candidates from the good density l and proposes the
 * unseen one maximising l(x) / g(x) — the expected-improvement criterion of Bergstra et al. 2011,
 * Equation (15). Recipes in flight are counted as bad ("constant liar"), so a batch spreads out
 * instead of piling onto one mode.
 */
export class TpeSampler implements Sampler {
  readonly name = 'tpe';
  private readonly archive: TrialArchive;
  private readonly options: Required<TpeOptions>;

  constructor(
    private readonly context: SamplerContext,
    options: TpeOptions = {},
  ) {
    this.archive = new TrialArchive(context.space, context.objectives, context.constraints);
    this.options = { startupTrials: 10, candidates: 64, gamma: 0.1, maxGood: 25, priorWeight: 1, ...options };
  }

  ask(history: SearchHistory): Recipe {
    this.archive.sync(history.trials);
    const { space, rng } = this.context;
    const seen = seenKeys(this.archive.keys, history.pending);
    if (this.archive.size < this.options.startupTrials) {
      return proposeUnique({ space, rng, seen, generate: () => space.randomPoint(rng), attempts: 64 });
    }
    const { good, bad } = this.densities(history.pending);
    let best: Recipe | undefined;
    let bestScore = -Infinity;
    // A few rounds in case every candidate of a round is already seen (a small, well-explored space).
    for (let round = 0; round < 8 && best === undefined; round++) {
      for (let c = 0; c < this.options.candidates; c++) {
        const point = good.sample(rng);
        if (!space.isValidPoint(point)) continue;
        const recipe = space.decode(point);
        if (seen.has(recipeKey(recipe))) continue;
        const x = space.encode(recipe);
        const score = good.logDensity(x) - bad.logDensity(x);
        if (score > bestScore) {
          bestScore = score;
          best = recipe;
        }
      }
    }
    return best ?? unseenRecipe(space, seen, rng);
  }

  tell(trial: Trial): void {
    this.archive.add(trial);
  }

  private densities(pending: readonly Recipe[]): { good: ParzenEstimator; bad: ParzenEstimator } {
    const { space } = this.context;
    const { points, values, violations, nObjectives, size } = this.archive;
    const nGood = Math.max(1, Math.min(Math.ceil(this.options.gamma * size), this.options.maxGood));
    const split = splitGoodBad(values, violations, nObjectives, nGood);
    const goodPoints = split.good.map((i) => points[i]!);
    const badPoints = split.bad.map((i) => points[i]!);
    for (const recipe of pending) if (space.contains(recipe)) badPoints.push(space.encode(recipe));
    const priorWeight = this.options.priorWeight;
    return {
      good: new ParzenEstimator(space.genes, goodPoints, new Float64Array(goodPoints.length).fill(1), { priorWeight }),
      bad: new ParzenEstimator(space.genes, badPoints, new Float64Array(badPoints.length).fill(1), { priorWeight }),
    };
  }
}
