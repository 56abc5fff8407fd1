import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { SearchError } from '../../errors.js';

/**
 * Kernel settings: amplitude and length scale of the Matérn-5/2 kernels, the share of the
 * amplitude on the full-interaction kernel (the rest on the additive one), and the observation
 * noise variance.
 */
export interface GpHyperparameters {
  readonly amplitude: number;
  readonly lengthscale: number;
  readonly interaction: number;
  readonly noise: number;
}

/**
 * A Gaussian prior on the coefficients β of the explicit basis h(x) = [1, x₁ … x_d]: mean `mean`,
 * independent variances `variance` (both of length d + 1).
 */
export interface BasisPrior {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
}

export interface GpFitOptions {
  readonly x: readonly Float64Array[];
  readonly y: ArrayLike<number>;
  readonly prior: BasisPrior;
  /** Settings to choose among by marginal likelihood; the first is used when there are fewer than 3 points. */
  readonly hyperparameters: readonly GpHyperparameters[];
}

/**
 * Gaussian-process regression with explicit basis functions (Rasmussen & Williams 2006, "Gaussian
 * Processes for Machine Learning", §2.7): y(x) = f(x) + h(x)ᵀβ + ε with f ~ GP(0, k),
 * β ~ N(b, B) and ε ~ N(0, σ²). Integrating β out leaves a GP with mean h(x)ᵀb and covariance
 * k(x, x') + h(x)ᵀ B h(x') (their Eq. 2.39), which is what is factorised here. k mixes two
 * Matérn-5/2 kernels (their Eq. 4.17): an additive one, the mean of one-dimensional kernels per
 * feature (Duvenaud, Nickisch, Rasmussen 2011, "Additive Gaussian processes": what one axis does is
 * learnt from every recipe that varies it, whatever the others do), and a full-interaction one
 * over the Euclidean distance, for what axes do together. The basis prior is how the sampler states "accuracy falls as compression
 * strengthens": a prior slope per axis with a variance, which enough data overrules.
 */
export class GaussianProcess {
  private constructor(
    private readonly x: readonly Float64Array[],
    private readonly prior: BasisPrior,
    readonly hyperparameters: GpHyperparameters,
    private readonly cholesky: CholeskyDecomposition,
    /** K⁻¹ (y − Hb). */
    private readonly alpha: Float64Array,
    /** Log marginal likelihood of the data under these settings. */
    readonly logLikelihood: number,
  ) {}

  /** K⁻¹, row-major n × n, solved from the Cholesky factor on the first prediction (a fit that loses the likelihood contest never needs it). */
  private inverseCache: Float64Array | undefined;
  private get inverse(): Float64Array {
    this.inverseCache ??= Float64Array.from(this.cholesky.solve(Matrix.eye(this.x.length)).to1DArray());
    return this.inverseCache;
  }

  /** Fits the data under each hyperparameter setting and keeps the one of highest marginal likelihood. */
  static fit(options: GpFitOptions): GaussianProcess {
    const { x, y, prior, hyperparameters } = options;
    if (x.length === 0) throw new SearchError('BAD_ARGUMENT', 'a Gaussian process needs at least one observation');
    if (y.length !== x.length) throw new SearchError('BAD_ARGUMENT', `x has ${x.length} rows but y ${y.length} values`);
    if (prior.mean.length !== x[0]!.length + 1) throw new SearchError('BAD_ARGUMENT', `the basis prior needs ${x[0]!.length + 1} coefficients, got ${prior.mean.length}`);
    const settings = x.length < 3 ? hyperparameters.slice(0, 1) : hyperparameters;
    let best: GaussianProcess | undefined;
    for (const h of settings) {
      const gp = GaussianProcess.fitOne(x, y, prior, h);
      if (!best || gp.logLikelihood > best.logLikelihood) best = gp;
    }
    return best!;
  }

  private static fitOne(x: readonly Float64Array[], y: ArrayLike<number>, prior: BasisPrior, h: GpHyperparameters): GaussianProcess {
    const n = x.length;
    const k = new Matrix(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        const v = covariance(x[i]!, x[j]!, prior, h) + (i === j ? h.noise : 0);
        k.set(i, j, v);
        k.set(j, i, v);
      }
    }
    const cholesky = new CholeskyDecomposition(k);
    if (!cholesky.isPositiveDefinite()) throw new SearchError('BAD_ARGUMENT', `the covariance of ${n} points is not positive definite (noise ${h.noise})`);
    const residual = Matrix.columnVector(Array.from({ length: n }, (_, i) => y[i]! - basisMean(x[i]!, prior)));
    const alpha = cholesky.solve(residual).getColumn(0);
    const l = cholesky.lowerTriangularMatrix;
    let logDet = 0;
    for (let i = 0; i < n; i++) logDet += 2 * Math.log(l.get(i, i));
    let fit = 0;
    for (let i = 0; i < n; i++) fit += residual.get(i, 0) * alpha[i]!;
    // R&W Eq. 2.30: log p(y) = −½ rᵀK⁻¹r − ½ log|K| − n/2 log 2π.
    const logLikelihood = -0.5 * fit - 0.5 * logDet - 0.5 * n * Math.log(2 * Math.PI);
    return new GaussianProcess(x, prior, h, cholesky, Float64Array.from(alpha), logLikelihood);
  }

  /** Prior mean and variance at each point: what the model says before any observation. */
  static priorPredict(points: readonly Float64Array[], prior: BasisPrior, h: GpHyperparameters): { mean: Float64Array; variance: Float64Array } {
    return {
      mean: Float64Array.from(points, (p) => basisMean(p, prior)),
      variance: Float64Array.from(points, (p) => covariance(p, p, prior, h)),
    };
  }

  /** Posterior mean and variance of the latent function (noise excluded) at each point (R&W Eqs. 2.25–2.26). */
  predict(points: readonly Float64Array[]): { mean: Float64Array; variance: Float64Array } {
    const n = this.x.length;
    const mean = new Float64Array(points.length);
    const variance = new Float64Array(points.length);
    const cross = new Float64Array(n);
    const inverse = this.inverse;
    points.forEach((point, j) => {
      let m = basisMean(point, this.prior);
      for (let i = 0; i < n; i++) {
        cross[i] = covariance(this.x[i]!, point, this.prior, this.hyperparameters);
        m += cross[i]! * this.alpha[i]!;
      }
      let reduction = 0;
      for (let i = 0; i < n; i++) {
        let row = 0;
        for (let l = 0; l < n; l++) row += inverse[i * n + l]! * cross[l]!;
        reduction += cross[i]! * row;
      }
      mean[j] = m;
      // Clipped at a tiny positive floor against rounding.
      variance[j] = Math.max(1e-12, covariance(point, point, this.prior, this.hyperparameters) - reduction);
    });
    return { mean, variance };
  }
}

/** h(x)ᵀb. */
function basisMean(x: Float64Array, prior: BasisPrior): number {
  let m = prior.mean[0]!;
  for (let d = 0; d < x.length; d++) m += prior.mean[d + 1]! * x[d]!;
  return m;
}

/** Matérn-5/2 correlation at distance r / length scale (R&W Eq. 4.17). */
function matern52(scaled: number): number {
  const s = Math.sqrt(5) * scaled;
  return (1 + s + (s * s) / 3) * Math.exp(-s);
}

/** k(x, x') + h(x)ᵀ B h(x'). */
export function covariance(a: Float64Array, b: Float64Array, prior: BasisPrior, h: GpHyperparameters): number {
  let r2 = 0;
  let additive = 0;
  let basis = prior.variance[0]!;
  for (let d = 0; d < a.length; d++) {
    const diff = a[d]! - b[d]!;
    r2 += diff * diff;
    // Most features of most recipes are 0 (a technique left out): equal coordinates correlate fully.
    additive += diff === 0 ? 1 : matern52(Math.abs(diff) / h.lengthscale);
    basis += prior.variance[d + 1]! * a[d]! * b[d]!;
  }
  const kernel = (1 - h.interaction) * (additive / a.length) + h.interaction * matern52(Math.sqrt(r2) / h.lengthscale);
  return h.amplitude * kernel + basis;
}
