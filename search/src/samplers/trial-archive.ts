import { SearchError } from '../errors.js';
import { constraintViolation, metricDirection, writeMinimised, type Constraints, type Metric } from '../objectives/objectives.js';
import { recipeKey } from '@frontier/workers';
import type { SearchSpace } from '../space/search-space.js';
import type { Trial } from './sampler.js';

/**
 * The trials a sampler has ingested, encoded once: the keys of every trial (for deduplication)
 * and, for the trials that inform a model (done or infeasible, inside the space), their points,
 * minimised objective rows (NaN where an infeasible trial has no value) and total violations.
 */
export class TrialArchive {
  readonly keys = new Set<string>();
  readonly points: Float64Array[] = [];
  private readonly rows: number[] = [];
  private readonly violationList: number[] = [];
  private ingested = 0;
  private cache: { values: Float64Array; violations: Float64Array } | undefined;
  private readonly row: Float64Array;

  constructor(
    private readonly space: SearchSpace,
    private readonly objectives: readonly Metric[],
    private readonly constraints: Constraints,
  ) {
    this.row = new Float64Array(objectives.length);
  }

  /** Trials ingested so far (all statuses). */
  get trialCount(): number {
    return this.ingested;
  }

  /** Trials that inform a model. */
  get size(): number {
    return this.points.length;
  }

  get nObjectives(): number {
    return this.objectives.length;
  }

  /** Ingests the trials of an append-only list that are not ingested yet. */
  sync(trials: readonly Trial[]): void {
    for (let i = this.ingested; i < trials.length; i++) this.add(trials[i]!);
  }

  add(trial: Trial): void {
    this.ingested++;
    this.keys.add(recipeKey(trial.recipe));
    if (trial.status === 'failed' || !this.space.contains(trial.recipe)) return;
    const metrics = trial.metrics ?? {};
    const violation = constraintViolation(metrics, this.constraints);
    if (trial.status === 'infeasible') {
      if (!(violation > 0)) {
        throw new SearchError('BAD_ARGUMENT', `an infeasible trial's metrics must violate a constraint; ${recipeKey(trial.recipe)} violates none`);
      }
      for (const m of this.objectives) {
        const v = metrics[m];
        this.rows.push(v === undefined ? Number.NaN : metricDirection(m) === 'maximize' ? -v : v);
      }
    } else {
      writeMinimised(metrics, this.objectives, this.row, 0);
      this.rows.push(...this.row);
    }
    this.points.push(this.space.encode(trial.recipe));
    this.violationList.push(violation);
    this.cache = undefined;
  }

  /** Minimised objectives of the modelled trials, row-major size × nObjectives. */
  get values(): Float64Array {
    return this.arrays().values;
  }

  /** Total violation of each modelled trial (0 = feasible). */
  get violations(): Float64Array {
    return this.arrays().violations;
  }

  private arrays(): { values: Float64Array; violations: Float64Array } {
    this.cache ??= { values: Float64Array.from(this.rows), violations: Float64Array.from(this.violationList) };
    return this.cache;
  }
}
