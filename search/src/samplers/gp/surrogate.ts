import { GaussianProcess, type BasisPrior, type GpHyperparameters } from './gaussian-process.js';
import { COMPRESSES, RECIPE_FEATURES } from './recipe-features.js';

/**
 * Kernel settings the surrogate chooses among by marginal likelihood (in units of the modelled
 * value, a log error rate or a log latency, over features in [0, 1]): length scales from a quarter
 * of an axis to twice its span, amplitudes from a few percent to a factor e² of spread, and
 * observation noise around that of a 5000-image accuracy (a binomial standard error of ~0.0035 on
 * an error rate of ~0.07 is ~0.05 in log units, variance 0.0025); a fifth or three fifths of the
 * amplitude on interactions between axes.
 */
const HYPERPARAMETER_GRID: readonly GpHyperparameters[] = [0.5, 0.25, 1].flatMap((lengthscale) =>
  [0.3, 0.05, 1.5].flatMap((amplitude) =>
    [0.2, 0.6].flatMap((interaction) => [0.0025, 0.02].map((noise) => ({ amplitude, lengthscale, interaction, noise }))),
  ),
);

/** How each modelled value is expected to move along a compression axis. */
export interface SurrogatePrior {
  /** Prior mean of the value for the uncompressed recipe. */
  readonly intercept: number;
  /** Prior slope along each compression axis (per unit of strength), and along distillation's. */
  readonly compressionSlope: number;
  readonly otherSlope: number;
}

/**
 * The log error rate ln(1 − accuracy): a fine-tuned classifier's error is ~0.05–0.1, so the prior
 * centres on ln 0.1 with a standard deviation of one e-fold; each compression axis at full
 * strength is expected to multiply the error by e (slope +1, standard deviation 1, so a rising
 * accuracy stays possible); distillation is given no direction.
 */
export const ERROR_RATE_PRIOR: SurrogatePrior = { intercept: Math.log(0.1), compressionSlope: 1, otherSlope: 0 };

/** The basis prior of the surrogate's GP: intercept variance 1, compression slopes variance 1, others 0.25. */
export function basisPrior(prior: SurrogatePrior): BasisPrior {
  const d = RECIPE_FEATURES.length;
  const mean = new Float64Array(d + 1);
  const variance = new Float64Array(d + 1);
  mean[0] = prior.intercept;
  variance[0] = 1;
  for (let j = 0; j < d; j++) {
    mean[j + 1] = COMPRESSES[j] ? prior.compressionSlope : prior.otherSlope;
    variance[j + 1] = COMPRESSES[j] ? 1 : 0.25;
  }
  return { mean, variance };
}

/**
 * A GP surrogate of one expensive objective over recipe features. Hyperparameters are chosen by
 * marginal likelihood over the grid while the data are few (≤ 20 points) and then every 10th fit
 * only — a fit with fixed settings is one Cholesky factorisation — so an ask stays cheap late in a
 * long run.
 */
export class Surrogate {
  private chosen: GpHyperparameters | undefined;
  private fits = 0;

  constructor(private readonly prior: BasisPrior) {}

  fit(x: readonly Float64Array[], y: ArrayLike<number>): GaussianProcess {
    this.fits++;
    const reselect = !this.chosen || x.length <= 20 || this.fits % 10 === 0;
    const gp = GaussianProcess.fit({ x, y, prior: this.prior, hyperparameters: reselect ? HYPERPARAMETER_GRID : [this.chosen!] });
    if (x.length >= 3) this.chosen = gp.hyperparameters;
    return gp;
  }

  /** The prior's mean and variance (no observation yet). */
  priorPredict(points: readonly Float64Array[]): { mean: Float64Array; variance: Float64Array } {
    return GaussianProcess.priorPredict(points, this.prior, this.chosen ?? HYPERPARAMETER_GRID[0]!);
  }

  /** A fit with the last chosen settings (for pseudo-observations such as a batch's believed values). */
  refit(x: readonly Float64Array[], y: ArrayLike<number>): GaussianProcess {
    return GaussianProcess.fit({ x, y, prior: this.prior, hyperparameters: [this.chosen ?? HYPERPARAMETER_GRID[0]!] });
  }
}
