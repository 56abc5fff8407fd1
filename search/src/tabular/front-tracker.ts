import { SearchError } from '../errors.js';
import { constraintViolation, writeMinimised, type Constraints, type Metric, type TrialMetrics } from '../objectives/objectives.js';
import { hypervolume } from '../pareto/hypervolume.js';
import { paretoFront } from '../pareto/non-dominated-rank.js';
import type { TabularBenchmark } from './table.js';

/** What a benchmark optimises: the objectives and constraints of a run. */
export interface BenchmarkProblem {
  readonly objectives: readonly Metric[];
  readonly constraints: Constraints;
}

/** The true front of a table for a problem, and the scale hypervolumes are measured in. */
export interface TrueFront {
  /** Best and worst value of each minimised objective over the true front. */
  readonly ideal: Float64Array;
  readonly nadir: Float64Array;
  /** Hypervolume of the true front in scaled units (objectives mapped so ideal → 0, nadir → 1; reference 1.1). */
  readonly hypervolume: number;
  readonly size: number;
  readonly feasible: number;
  /** Indices of the table rows on the true front. */
  readonly rows: readonly number[];
}

/** The reference point in scaled units: 10 % beyond the true front's nadir, so its extremes count. */
const REFERENCE = 1.1;

/** The feasible non-dominated rows of the whole table: what a perfect search would find. */
export function trueFront(table: TabularBenchmark, problem: BenchmarkProblem): TrueFront {
  const m = problem.objectives.length;
  const feasibleRows = table.file.rows.flatMap((r, i) => (constraintViolation(r.metrics, problem.constraints) === 0 ? [i] : []));
  const rows = feasibleRows.map((i) => table.file.rows[i]!);
  if (rows.length === 0) throw new SearchError('BAD_ARGUMENT', 'no recipe of the table meets the constraints');
  const values = new Float64Array(rows.length * m);
  rows.forEach((r, i) => writeMinimised(r.metrics, problem.objectives, values, i * m));
  const front = paretoFront(values, m);
  const ideal = new Float64Array(m).fill(Infinity);
  const nadir = new Float64Array(m).fill(-Infinity);
  for (const i of front) {
    for (let k = 0; k < m; k++) {
      ideal[k] = Math.min(ideal[k]!, values[i * m + k]!);
      nadir[k] = Math.max(nadir[k]!, values[i * m + k]!);
    }
  }
  const scaled = new Float64Array(front.length * m);
  front.forEach((i, j) => scaleRow(values.subarray(i * m, (i + 1) * m), ideal, nadir, scaled.subarray(j * m, (j + 1) * m)));
  return {
    ideal,
    nadir,
    hypervolume: hypervolume(scaled, m, new Array(m).fill(REFERENCE)),
    size: front.length,
    feasible: rows.length,
    rows: front.map((i) => feasibleRows[i]!),
  };
}

function scaleRow(row: Float64Array, ideal: Float64Array, nadir: Float64Array, out: Float64Array): void {
  for (let k = 0; k < row.length; k++) out[k] = nadir[k]! > ideal[k]! ? (row[k]! - ideal[k]!) / (nadir[k]! - ideal[k]!) : 0;
}

/**
 * The hypervolume of what a search has found so far, as a fraction of the true front's: keeps the
 * feasible non-dominated set in scaled units and recomputes its hypervolume when it changes.
 */
export class FrontTracker {
  private front: Float64Array[] = [];
  private current = 0;
  private readonly m: number;
  private readonly row: Float64Array;

  constructor(
    private readonly problem: BenchmarkProblem,
    private readonly truth: TrueFront,
  ) {
    this.m = problem.objectives.length;
    this.row = new Float64Array(this.m);
  }

  /** Adds one evaluation; returns the fraction of the true hypervolume found so far. */
  add(metrics: TrialMetrics): number {
    if (constraintViolation(metrics, this.problem.constraints) > 0) return this.fraction;
    writeMinimised(metrics, this.problem.objectives, this.row, 0);
    const p = new Float64Array(this.m);
    scaleRow(this.row, this.truth.ideal, this.truth.nadir, p);
    if (this.front.some((q) => weaklyDominates(q, p))) return this.fraction;
    this.front = this.front.filter((q) => !weaklyDominates(p, q));
    this.front.push(p);
    const rows = new Float64Array(this.front.length * this.m);
    this.front.forEach((q, i) => rows.set(q, i * this.m));
    this.current = hypervolume(rows, this.m, new Array(this.m).fill(REFERENCE));
    return this.fraction;
  }

  get fraction(): number {
    return this.current / this.truth.hypervolume;
  }
}

function weaklyDominates(a: Float64Array, b: Float64Array): boolean {
  for (let k = 0; k < a.length; k++) if (a[k]! > b[k]!) return false;
  return true;
}
