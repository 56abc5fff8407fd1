import { SearchError } from '../errors.js';
import { constraintViolation, type Constraints, type Metric, type TrialMetrics } from '../objectives/objectives.js';
import { hypervolume } from '../pareto/hypervolume.js';
import { paretoFront } from '../pareto/non-dominated-rank.js';
import type { TabularBenchmark } from './table.js';

/**
 * How one objective is normalised for the benchmark's hypervolume: accuracy linearly between the
 * table's best (→ 0) and the floor (→ 1); a cost on a log scale between the table's smallest
 * (→ 0) and largest (→ 1) value.
 */
export interface ObjectiveScale {
  readonly metric: Metric;
  readonly scale: 'accuracy' | 'log';
  /** accuracy: the floor; log: the table's smallest value. */
  readonly lo: number;
  /** accuracy: the table's best; log: the table's largest value. */
  readonly hi: number;
}

/** What a benchmark optimises: the objectives and constraints of a run, and the hypervolume's scales. */
export interface BenchmarkProblem {
  readonly objectives: readonly Metric[];
  readonly constraints: Constraints;
  /** One per objective, in the same order. */
  readonly scales: readonly ObjectiveScale[];
}

/** The accuracy below which a recipe adds nothing to the hypervolume, unless a benchmark says otherwise. */
export const DEFAULT_ACCURACY_FLOOR = 0.85;
/** The cost metrics a benchmark takes as objectives, each when the table has it. */
const COST_OBJECTIVES = ['deployBytes', 'macs', 'latencyMs'] as const;
/** The reference point in every normalised objective. */
export const REFERENCE = 1;

export interface BenchmarkProblemOptions {
  /** Default {@link DEFAULT_ACCURACY_FLOOR}. */
  readonly accuracyFloor?: number;
}

/**
 * The benchmark problem of a table — the one hypervolume definition Frontier's samplers and the
 * Optuna peer are measured by. Objectives: accuracy, then deploy size, MACs and latency, each when
 * the table has it. Normalisation: accuracy between the table's best (0) and `accuracyFloor` (1);
 * the costs on log scales over the table's range (its smallest value 0, its largest 1). Reference
 * point 1.0 in every normalised objective, so a recipe below the floor adds nothing. Samplers are
 * told the floor as a constraint (`minAccuracy`), as a user would state it.
 */
export function benchmarkProblem(table: TabularBenchmark, options: BenchmarkProblemOptions = {}): BenchmarkProblem {
  const floor = options.accuracyFloor ?? DEFAULT_ACCURACY_FLOOR;
  const rows = table.file.rows;
  const metricValues = (m: Metric) => rows.map((r) => r.metrics[m]);
  const accuracies = metricValues('accuracy');
  if (accuracies.some((a) => a === undefined)) throw new SearchError('BAD_TABLE', `table ${table.file.name} has no accuracy column`);
  const best = Math.max(...(accuracies as number[]));
  if (!(floor > 0 && floor < best)) throw new SearchError('BAD_ARGUMENT', `accuracyFloor must be in (0, ${best}) (the table's best accuracy), got ${floor}`);
  const scales: ObjectiveScale[] = [{ metric: 'accuracy', scale: 'accuracy', lo: floor, hi: best }];
  for (const metric of COST_OBJECTIVES) {
    const values = metricValues(metric);
    if (values.some((v) => v === undefined)) continue;
    if (values.some((v) => !(v! > 0))) throw new SearchError('BAD_TABLE', `table ${table.file.name}: every ${metric} must be > 0 for its log scale`);
    scales.push({ metric, scale: 'log', lo: Math.min(...(values as number[])), hi: Math.max(...(values as number[])) });
  }
  return { objectives: scales.map((s) => s.metric), constraints: { minAccuracy: floor }, scales };
}

/** Writes a trial's normalised objectives (0 best, 1 the reference) to `out`. */
export function normaliseMetrics(metrics: TrialMetrics, scales: readonly ObjectiveScale[], out: Float64Array): Float64Array {
  scales.forEach((s, k) => {
    const v = metrics[s.metric];
    if (v === undefined) throw new SearchError('BAD_ARGUMENT', `trial metrics.${s.metric} is missing`);
    if (s.scale === 'accuracy') out[k] = (s.hi - v) / (s.hi - s.lo);
    else out[k] = s.hi > s.lo ? (Math.log(v) - Math.log(s.lo)) / (Math.log(s.hi) - Math.log(s.lo)) : 0;
  });
  return out;
}

/** The true front of a table for a problem. */
export interface TrueFront {
  /** Hypervolume of the true front in normalised units. */
  readonly hypervolume: number;
  readonly size: number;
  readonly feasible: number;
  /** Indices of the table rows on the true front. */
  readonly rows: readonly number[];
}

/** The feasible non-dominated rows of the whole table: what a perfect search would find. */
export function trueFront(table: TabularBenchmark, problem: BenchmarkProblem): TrueFront {
  const m = problem.scales.length;
  const feasibleRows = table.file.rows.flatMap((r, i) => (constraintViolation(r.metrics, problem.constraints) === 0 ? [i] : []));
  if (feasibleRows.length === 0) throw new SearchError('BAD_ARGUMENT', 'no recipe of the table meets the constraints');
  const values = new Float64Array(feasibleRows.length * m);
  feasibleRows.forEach((row, i) => normaliseMetrics(table.file.rows[row]!.metrics, problem.scales, values.subarray(i * m, (i + 1) * m)));
  const front = paretoFront(values, m);
  const frontValues = new Float64Array(front.length * m);
  front.forEach((i, j) => frontValues.set(values.subarray(i * m, (i + 1) * m), j * m));
  const total = hypervolume(frontValues, m, new Array(m).fill(REFERENCE));
  if (!(total > 0)) throw new SearchError('BAD_ARGUMENT', `table ${table.file.name} has no recipe inside the reference box: nothing to find`);
  return { hypervolume: total, size: front.length, feasible: feasibleRows.length, rows: front.map((i) => feasibleRows[i]!) };
}

/**
 * The hypervolume of what a search has found so far, as a fraction of the true front's: keeps the
 * feasible non-dominated set in normalised units and recomputes its hypervolume when it changes.
 */
export class FrontTracker {
  private front: Float64Array[] = [];
  private current = 0;
  private readonly m: number;

  constructor(
    private readonly problem: BenchmarkProblem,
    private readonly truth: Pick<TrueFront, 'hypervolume'>,
  ) {
    this.m = problem.scales.length;
  }

  /** Adds one evaluation; returns the fraction of the true hypervolume found so far. */
  add(metrics: TrialMetrics): number {
    if (constraintViolation(metrics, this.problem.constraints) > 0) return this.fraction;
    const p = normaliseMetrics(metrics, this.problem.scales, new Float64Array(this.m));
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
