import type { Recipe } from '@frontier/workers';
import { proposeUnique, seenKeys } from './propose-unique.js';
import type { Sampler, SamplerContext, SearchHistory, Trial } from './sampler.js';
import { TrialArchive } from './trial-archive.js';

/**
 * Random search: every gene drawn uniformly and independently (a technique is on with probability
 * ½, then its parameters uniform over their values or range), as Optuna's RandomSampler does,
 * redrawn until the recipe is unseen.
 */
export class RandomSampler implements Sampler {
  readonly name = 'random';
  private readonly archive: TrialArchive;

  constructor(private readonly context: SamplerContext) {
    this.archive = new TrialArchive(context.space, context.objectives, context.constraints);
  }

  ask(history: SearchHistory): Recipe {
    this.archive.sync(history.trials);
    const { space, rng } = this.context;
    return proposeUnique({ space, rng, seen: seenKeys(this.archive.keys, history.pending), generate: () => space.randomPoint(rng), attempts: 64 });
  }

  tell(trial: Trial): void {
    this.archive.add(trial);
  }
}
