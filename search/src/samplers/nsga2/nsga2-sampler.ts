import type { Recipe } from '@frontier/workers';
import { proposeUnique, seenKeys } from '../propose-unique.js';
import type { Sampler, SamplerContext, SearchHistory, Trial } from '../sampler.js';
import { TrialArchive } from '../trial-archive.js';
import { crossover } from './crossover.js';
import { mutate } from './mutation.js';
import { fitness, selectSurvivors, type Fitness } from './survival.js';

export interface Nsga2Options {
  /** Parent population size; the first this many trials are random. Default 24. */
  readonly populationSize?: number;
  /** Probability that a child is a crossover of two parents (else a copy of one). Default 0.9. */
  readonly crossoverProbability?: number;
  /** Per-gene mutation probability. Default 1 / number of genes. */
  readonly mutationRate?: number;
}

/**
 * NSGA-II (Deb, Pratap, Agarwal, Meyarivan 2002) with constraint-domination, in its steady-state
 * form: instead of waiting for a whole generation, every finished trial is merged into the parent
 * population at once by elitist survival (rank, then crowding). Steady-state selection suits
 * asynchronous evaluation and converges at least as fast on most problems (Durillo, Nebro, Luna,
 * Alba 2009, "On the effect of the steady-state selection scheme in multi-objective genetic
 * algorithms"). Each ask: two binary tournaments pick parents, mixed-gene crossover
 * (crossover.ts) and mutation (mutation.ts) make a child, redrawn until the recipe is unseen.
 */
export class Nsga2Sampler implements Sampler {
  readonly name = 'nsga2';
  private readonly archive: TrialArchive;
  private readonly populationSize: number;
  private readonly crossoverProbability: number;
  private readonly mutationRate: number;
  /** The parent population (archive rows) and how many archive rows have been merged into it. */
  private parents: number[] = [];
  private merged = 0;
  private parentFitness: Fitness | undefined;

  constructor(
    private readonly context: SamplerContext,
    options: Nsga2Options = {},
  ) {
    this.archive = new TrialArchive(context.space, context.objectives, context.constraints);
    this.populationSize = options.populationSize ?? 24;
    this.crossoverProbability = options.crossoverProbability ?? 0.9;
    this.mutationRate = options.mutationRate ?? 1 / Math.max(1, context.space.dimension);
  }

  ask(history: SearchHistory): Recipe {
    this.archive.sync(history.trials);
    const { space, rng } = this.context;
    const seen = seenKeys(this.archive.keys, history.pending);
    if (this.archive.size < this.populationSize) {
      return proposeUnique({ space, rng, seen, generate: () => space.randomPoint(rng), attempts: 64 });
    }
    this.updateParents();
    return proposeUnique({ space, rng, seen, generate: () => this.child(), attempts: 64 });
  }

  tell(trial: Trial): void {
    this.archive.add(trial);
  }

  private updateParents(): void {
    if (this.merged === this.archive.size) return;
    const candidates = [...this.parents];
    for (let row = this.merged; row < this.archive.size; row++) candidates.push(row);
    const { values, violations, nObjectives } = this.archive;
    this.parents = selectSurvivors(values, violations, nObjectives, candidates, this.populationSize);
    this.parentFitness = fitness(values, violations, nObjectives, this.parents);
    this.merged = this.archive.size;
  }

  private child(): Float64Array {
    const { space, rng } = this.context;
    const a = this.archive.points[this.parents[this.tournament()]!]!;
    const child =
      rng.next() < this.crossoverProbability
        ? crossover(space.genes, a, this.archive.points[this.parents[this.tournament()]!]!, rng)
        : crossover(space.genes, a, a, rng);
    mutate(space.genes, child, this.mutationRate, rng);
    return child;
  }

  /** Binary tournament: the better of two random parents by rank, then crowding. */
  private tournament(): number {
    const { rng } = this.context;
    const { rank, crowding } = this.parentFitness!;
    const i = rng.int(this.parents.length);
    const j = rng.int(this.parents.length);
    if (rank[i] !== rank[j]) return rank[i]! < rank[j]! ? i : j;
    return crowding[i]! >= crowding[j]! ? i : j;
  }
}
