import type { Metric, TrialMetrics } from '../../objectives/objectives.js';
import type { Recipe } from '@frontier/workers';
import type { SamplerContext } from '../sampler.js';
import type { PoolEntry } from './candidate-pool.js';
import { pointShortfall, type UncertainPoint } from './ehvi.js';
import { GaussianProcess } from './gaussian-process.js';
import { recipeFeatures } from './recipe-features.js';
import { basisPrior, Surrogate } from './surrogate.js';

/** An evaluated recipe as the sampler keeps it. */
export interface Observation {
  readonly recipe: Recipe;
  readonly features: Float64Array;
  readonly metrics: TrialMetrics;
  /** Whether it met the run's constraints. */
  readonly feasible: boolean;
}

export interface WeighOptions {
  readonly context: SamplerContext;
  readonly candidates: readonly PoolEntry[];
  readonly observed: readonly Observation[];
  /** Recipes in flight that the pool screened. */
  readonly pending: readonly PoolEntry[];
  readonly accuracy: Surrogate;
  /** Surrogates of cost objectives the pre-screen does not give (latency measured on the host), made on first use. */
  readonly others: Map<Metric, Surrogate>;
}

/** The front and the candidates in normalised units: objective 0 the error rate, then the costs. */
export interface Weighed {
  readonly m: number;
  readonly front: Float64Array;
  readonly points: readonly UncertainPoint[];
  /** An upper bound of each candidate's expected improvement: its cost box × E[(1 − Y)⁺]. */
  readonly bounds: Float64Array;
}

/** Error rates below this are taken as this (log of zero). */
const MIN_ERROR = 1e-4;
const logError = (accuracy: number) => Math.log(Math.max(MIN_ERROR, 1 - accuracy));

/**
 * Puts the evaluated front and every candidate in one normalised, minimised space with reference
 * point 1: the error rate e from the best seen (0) to the largest that counts (1; that is
 * 1 − `minAccuracy`, or without that constraint three times the best error seen, at most 0.9);
 * each cost on a log
 * scale over the values at hand (the costliest maps to 1). Accuracy comes from the GP as a
 * log-normal Y; a cost the pre-screen gives is exact; a cost it does not is its GP's posterior mean
 * (a plug-in: only accuracy's uncertainty enters the expectation).
 */
export function weighCandidates(o: WeighOptions): Weighed {
  const { objectives, constraints } = o.context;
  const costs = objectives.filter((m) => m !== 'accuracy');
  const m = costs.length + 1;
  const modelled = costs.filter((c) => o.candidates[0]!.screened.metrics[c] === undefined);
  const predictedCosts = new Map<Metric, { candidate: Float64Array; pending: Float64Array }>(modelled.map((c) => [c, predictCost(o, c)]));
  const costOf = (entryIndex: number, metrics: TrialMetrics, c: Metric, group: 'candidate' | 'pending'): number =>
    metrics[c] ?? predictedCosts.get(c)![group][entryIndex]!;

  const candidateCosts = o.candidates.map((e, i) => costs.map((c) => costOf(i, e.screened.metrics, c, 'candidate')));
  const pendingCosts = o.pending.map((e, i) => costs.map((c) => costOf(i, e.screened.metrics, c, 'pending')));
  const observedCosts = o.observed.map((ob) => costs.map((c) => ob.metrics[c]!));
  const scales = costs.map((_, k) => logRange([...candidateCosts, ...pendingCosts, ...observedCosts].map((row) => row[k]!)));
  const normalise = (row: readonly number[], out: Float64Array, offset: number) =>
    row.forEach((v, k) => (out[offset + k] = scales[k]!.span > 0 ? (Math.log(v) - scales[k]!.lo) / scales[k]!.span : 0));

  // The error axis runs from the best error seen (0) to the largest that counts (1).
  const minError = Math.max(MIN_ERROR, Math.min(...o.observed.map((ob) => 1 - ob.metrics.accuracy!)));
  const worstError = constraints.minAccuracy !== undefined ? 1 - constraints.minAccuracy : Number.isFinite(minError) ? Math.min(0.9, 3 * minError) : 0.3;
  const bestError = Number.isFinite(minError) && minError < worstError ? minError : 0;
  const errorScale = worstError - bestError;

  const { gp, pendingMean } = fitAccuracy(o);
  const predicted = predictWith(gp, o, o.candidates.map((e) => recipeFeatures(e.recipe)));

  const feasible = o.observed.filter((ob) => ob.feasible);
  const front = new Float64Array((feasible.length + o.pending.length) * m);
  feasible.forEach((ob, i) => {
    front[i * m] = (1 - ob.metrics.accuracy! - bestError) / errorScale;
    normalise(costs.map((c) => ob.metrics[c]!), front, i * m + 1);
  });
  o.pending.forEach((_, j) => {
    const i = feasible.length + j;
    front[i * m] = (Math.exp(pendingMean[j]!) - bestError) / errorScale;
    normalise(pendingCosts[j]!, front, i * m + 1);
  });

  const bounds = new Float64Array(o.candidates.length);
  const points = o.candidates.map((_, i): UncertainPoint => {
    const c = new Float64Array(m - 1);
    normalise(candidateCosts[i]!, c, 0);
    const point = { mu: predicted.mean[i]!, sigma: Math.sqrt(predicted.variance[i]!), offset: bestError, scale: errorScale, costs: c };
    bounds[i] = c.reduce((box, v) => box * Math.max(0, 1 - v), 1) * pointShortfall(point, 1);
    return point;
  });
  return { m, front, points, bounds };
}

/** The accuracy GP on the observations plus, at their predicted values, the recipes in flight. */
function fitAccuracy(o: WeighOptions): { gp: GaussianProcess | undefined; pendingMean: Float64Array } {
  const x = o.observed.map((ob) => ob.features);
  const y = o.observed.map((ob) => logError(ob.metrics.accuracy!));
  let gp = x.length > 0 ? o.accuracy.fit(x, y) : undefined;
  const pendingX = o.pending.map((e) => recipeFeatures(e.recipe));
  const pendingMean = predictWith(gp, o, pendingX).mean;
  if (pendingX.length > 0) gp = o.accuracy.refit([...x, ...pendingX], [...y, ...pendingMean]);
  return { gp, pendingMean };
}

/** Posterior (or, without data, prior) mean and variance of the log error rate. */
function predictWith(gp: GaussianProcess | undefined, o: WeighOptions, points: readonly Float64Array[]): { mean: Float64Array; variance: Float64Array } {
  return gp ? gp.predict(points) : o.accuracy.priorPredict(points);
}

/** A modelled cost's plug-in value for candidates and pending recipes: exp of its GP's mean in log units. */
function predictCost(o: WeighOptions, metric: Metric): { candidate: Float64Array; pending: Float64Array } {
  const seen = o.observed.filter((ob) => ob.metrics[metric] !== undefined && ob.metrics[metric] > 0);
  const logs = seen.map((ob) => Math.log(ob.metrics[metric]!));
  const none = (n: number) => new Float64Array(n).fill(1);
  if (logs.length === 0) return { candidate: none(o.candidates.length), pending: none(o.pending.length) };
  let surrogate = o.others.get(metric);
  if (!surrogate) {
    // Centred on the first values seen, no direction: a host's latency need not fall with every axis.
    surrogate = new Surrogate(basisPrior({ intercept: logs.reduce((a, b) => a + b, 0) / logs.length, compressionSlope: 0, otherSlope: 0 }));
    o.others.set(metric, surrogate);
  }
  const gp = surrogate.fit(seen.map((ob) => ob.features), logs);
  const at = (entries: readonly PoolEntry[]) => gp.predict(entries.map((e) => recipeFeatures(e.recipe))).mean.map(Math.exp);
  return { candidate: at(o.candidates), pending: at(o.pending) };
}

function logRange(values: readonly number[]): { lo: number; span: number } {
  const logs = values.map((v) => Math.log(Math.max(v, Number.MIN_VALUE)));
  const lo = Math.min(...logs);
  return { lo, span: Math.max(...logs) - lo };
}
