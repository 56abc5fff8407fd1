import type { Rng } from '@frontier/workers';
import type { Gene } from '../../space/gene.js';
import { logNormalPdf, normalCdf } from './normal.js';

export interface ParzenOptions {
  /** Weight of the prior component (uniform-ish over the space) relative to one observation. Default 1. */
  readonly priorWeight?: number;
}

/** Per gene: a probability table over its values (discrete), or kernel centres (continuous). */
type GeneKernels =
  | {
      readonly kind: 'table';
      readonly size: number;
      /** Coordinate of value j is j · step: 1 for a categorical index, 1 / (L − 1) for levels. */
      readonly step: number;
      readonly probs: Float64Array;
      readonly logProbs: Float64Array;
    }
  | { readonly kind: 'gauss'; readonly mu: Float64Array; readonly sigma: Float64Array; readonly logMass: Float64Array };

/**
 * A multivariate Parzen estimator over points of a search space, as in TPE (Bergstra, Bardenet,
 * Bengio, Kégl 2011, "Algorithms for hyper-parameter optimization", §4) in its multivariate form
 * (Falkner, Klein, Hutter 2018, BOHB, §3.1): a weighted mixture of one product kernel per
 * observation plus one prior component. Per gene:
 *
 * - categorical: the observed choice gets mass 1 + a, every choice a = priorWeight / components,
 *   normalised (Optuna's categorical kernel);
 * - discrete numeric (L levels at u_j = j / (L − 1)): a Gaussian at the observation evaluated at
 *   the levels and normalised over them;
 * - continuous numeric: a Gaussian truncated to [0, 1].
 *
 * Bandwidth, shared by the observation kernels (Optuna's multivariate rule, "magic clip" from
 * Bergstra's hyperopt): σ = 0.2 · n^(−1/(d+4)) · span, clipped to [span / min(100, 1 + components),
 * span], where span is 1 (+ one level spacing for discrete genes) and d the number of genes. The
 * prior component has centre ½ and σ = span. A gene that is inactive in an observation (its
 * technique was off) gets a uniform kernel there; `logDensity` skips genes inactive in the point.
 */
export class ParzenEstimator {
  private readonly logWeights: Float64Array;
  private readonly cumulative: Float64Array;
  private readonly kernels: GeneKernels[];
  private readonly components: number;

  constructor(genes: readonly Gene[], points: readonly Float64Array[], weights: ArrayLike<number>, options: ParzenOptions = {}) {
    const priorWeight = options.priorWeight ?? 1;
    const n = points.length;
    this.components = n + 1;
    const w = Float64Array.from({ length: n + 1 }, (_, i) => (i < n ? weights[i]! : priorWeight));
    const total = w.reduce((s, x) => s + x, 0);
    this.logWeights = w.map((x) => Math.log(x / total));
    this.cumulative = new Float64Array(n + 1);
    let acc = 0;
    w.forEach((x, i) => (this.cumulative[i] = acc += x / total));
    const shrink = Math.max(n, 1) ** (-1 / (genes.length + 4));
    this.kernels = genes.map((gene, g) => buildKernels(gene, points.map((p) => p[g]!), { shrink, priorWeight }));
  }

  /** A point drawn from the mixture (every gene filled, discrete genes on their values). */
  sample(rng: Rng): Float64Array {
    const u = rng.next();
    let c = 0;
    while (c < this.components - 1 && this.cumulative[c]! <= u) c++;
    const point = new Float64Array(this.kernels.length);
    this.kernels.forEach((k, g) => (point[g] = k.kind === 'table' ? sampleTable(k, c, rng) : sampleGauss(k, c, rng)));
    return point;
  }

  /** log density of a point (coordinates of an encoded recipe; NaN genes are skipped). */
  logDensity(point: Float64Array): number {
    const scores = Float64Array.from(this.logWeights);
    for (let g = 0; g < this.kernels.length; g++) {
      const x = point[g]!;
      if (Number.isNaN(x)) continue;
      const k = this.kernels[g]!;
      if (k.kind === 'table') {
        const j = Math.min(k.size - 1, Math.max(0, Math.round(x / k.step)));
        for (let c = 0; c < this.components; c++) scores[c]! += k.logProbs[c * k.size + j]!;
      } else {
        for (let c = 0; c < this.components; c++) {
          const mu = k.mu[c]!;
          scores[c]! += Number.isNaN(mu) ? 0 : logNormalPdf((x - mu) / k.sigma[c]!) - Math.log(k.sigma[c]!) - k.logMass[c]!;
        }
      }
    }
    return logSumExp(scores);
  }
}

function buildKernels(gene: Gene, observed: readonly number[], opts: { shrink: number; priorWeight: number }): GeneKernels {
  const n = observed.length;
  const components = n + 1;
  if (gene.kind === 'categorical') {
    const size = gene.choices.length;
    const probs = new Float64Array(components * size);
    const a = opts.priorWeight / components;
    for (let c = 0; c < components; c++) {
      const x = c < n ? observed[c]! : Number.NaN;
      for (let j = 0; j < size; j++) probs[c * size + j] = Number.isNaN(x) ? 1 / size : ((j === x ? 1 : 0) + a) / (1 + a * size);
    }
    return { kind: 'table', size, step: 1, probs, logProbs: probs.map(Math.log) };
  }
  const levels = gene.levels?.length ?? 0;
  const span = levels > 0 ? 1 + 1 / (levels - 1) : 1;
  const sigmaObs = Math.min(span, Math.max(span / Math.min(100, 1 + components), 0.2 * opts.shrink * span));
  const sigmaOf = (c: number) => (c < n ? sigmaObs : span);
  const muOf = (c: number) => (c < n ? observed[c]! : 0.5);
  if (levels > 0) {
    const probs = new Float64Array(components * levels);
    for (let c = 0; c < components; c++) {
      const mu = muOf(c);
      let sum = 0;
      for (let j = 0; j < levels; j++) {
        const p = Number.isNaN(mu) ? 1 : Math.exp(logNormalPdf((j / (levels - 1) - mu) / sigmaOf(c)));
        probs[c * levels + j] = p;
        sum += p;
      }
      for (let j = 0; j < levels; j++) probs[c * levels + j]! /= sum;
    }
    return { kind: 'table', size: levels, step: 1 / (levels - 1), probs, logProbs: probs.map(Math.log) };
  }
  const mu = Float64Array.from({ length: components }, (_, c) => muOf(c));
  const sigma = Float64Array.from({ length: components }, (_, c) => sigmaOf(c));
  const logMass = mu.map((m, c) => (Number.isNaN(m) ? 0 : Math.log(normalCdf((1 - m) / sigma[c]!) - normalCdf(-m / sigma[c]!))));
  return { kind: 'gauss', mu, sigma, logMass };
}

function sampleTable(k: Extract<GeneKernels, { kind: 'table' }>, c: number, rng: Rng): number {
  const u = rng.next();
  let acc = 0;
  let j = 0;
  for (; j < k.size - 1; j++) {
    acc += k.probs[c * k.size + j]!;
    if (u < acc) break;
  }
  return j * k.step;
}

function sampleGauss(k: Extract<GeneKernels, { kind: 'gauss' }>, c: number, rng: Rng): number {
  const mu = k.mu[c]!;
  if (Number.isNaN(mu)) return rng.next();
  for (let tries = 0; tries < 100; tries++) {
    const x = mu + k.sigma[c]! * rng.normal();
    if (x >= 0 && x <= 1) return x;
  }
  return Math.min(1, Math.max(0, mu));
}

function logSumExp(xs: Float64Array): number {
  let max = -Infinity;
  for (const x of xs) if (x > max) max = x;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const x of xs) sum += Math.exp(x - max);
  return max + Math.log(sum);
}
