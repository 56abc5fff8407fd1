import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GaussianProcess, type BasisPrior, type GpHyperparameters } from './gaussian-process.js';

/** Matérn-5/2 written out independently of the module: (1 + √5 r/ℓ + 5r²/3ℓ²) exp(−√5 r/ℓ). */
function matern(r: number, l: number): number {
  const s = (Math.sqrt(5) * r) / l;
  return (1 + s + (5 * r * r) / (3 * l * l)) * Math.exp(-s);
}

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe('GaussianProcess', () => {
  // One feature: the additive and interaction kernels coincide, so the kernel is amplitude × Matérn.
  const h: GpHyperparameters = { amplitude: 0.7, lengthscale: 0.4, interaction: 0.3, noise: 0.01 };
  const prior: BasisPrior = { mean: Float64Array.of(-2, 1), variance: Float64Array.of(0.5, 0.25) };
  /** Covariance with the basis integrated out: k + B₀ + B₁·x·x' (R&W Eq. 2.39). */
  const k = (a: number, b: number) => h.amplitude * matern(Math.abs(a - b), h.lengthscale) + 0.5 + 0.25 * a * b;
  const m = (x: number) => -2 + x;

  it('matches the closed-form posterior of two observations', () => {
    const xs = [0.2, 0.7];
    const ys = [-1.5, -0.9];
    const gp = GaussianProcess.fit({ x: xs.map((v) => Float64Array.of(v)), y: ys, prior, hyperparameters: [h] });
    // K + σ²I and its inverse, by hand.
    const a = k(0.2, 0.2) + h.noise;
    const b = k(0.2, 0.7);
    const d = k(0.7, 0.7) + h.noise;
    const det = a * d - b * b;
    const inv = [d / det, -b / det, -b / det, a / det];
    const r = [ys[0]! - m(0.2), ys[1]! - m(0.7)];
    for (const q of [0.5, 0.95]) {
      const ks = [k(q, 0.2), k(q, 0.7)];
      const mean = m(q) + ks[0]! * (inv[0]! * r[0]! + inv[1]! * r[1]!) + ks[1]! * (inv[2]! * r[0]! + inv[3]! * r[1]!);
      const variance = k(q, q) - (ks[0]! * (inv[0]! * ks[0]! + inv[1]! * ks[1]!) + ks[1]! * (inv[2]! * ks[0]! + inv[3]! * ks[1]!));
      const p = gp.predict([Float64Array.of(q)]);
      close(p.mean[0]!, mean);
      close(p.variance[0]!, variance);
    }
    // log p(y) = −½ rᵀK⁻¹r − ½ log|K| − log 2π for n = 2.
    const fit = r[0]! * (inv[0]! * r[0]! + inv[1]! * r[1]!) + r[1]! * (inv[2]! * r[0]! + inv[3]! * r[1]!);
    close(gp.logLikelihood, -0.5 * fit - 0.5 * Math.log(det) - Math.log(2 * Math.PI));
  });

  it('without data predicts the prior: basis mean and full covariance', () => {
    const p = GaussianProcess.priorPredict([Float64Array.of(0.6)], prior, h);
    close(p.mean[0]!, m(0.6));
    close(p.variance[0]!, k(0.6, 0.6));
  });

  it('keeps the hyperparameters of highest marginal likelihood', () => {
    const xs = [0, 0.25, 0.5, 0.75, 1].map((v) => Float64Array.of(v));
    const ys = [0, 0.8, -0.7, 0.9, -0.8]; // wiggly: a short length scale explains it better
    const short = { ...h, lengthscale: 0.1 };
    const long = { ...h, lengthscale: 5 };
    const gp = GaussianProcess.fit({ x: xs, y: ys, prior, hyperparameters: [long, short] });
    assert.deepEqual(gp.hyperparameters, short);
    const each = [long, short].map((s) => GaussianProcess.fit({ x: xs, y: ys, prior, hyperparameters: [s] }).logLikelihood);
    close(gp.logLikelihood, Math.max(...each));
  });

  it('rejects inconsistent input by name', () => {
    assert.throws(() => GaussianProcess.fit({ x: [], y: [], prior, hyperparameters: [h] }), /needs at least one observation/);
    assert.throws(() => GaussianProcess.fit({ x: [Float64Array.of(0)], y: [1, 2], prior, hyperparameters: [h] }), /x has 1 rows but y 2 values/);
    assert.throws(() => GaussianProcess.fit({ x: [Float64Array.of(0, 1)], y: [1], prior, hyperparameters: [h] }), /basis prior needs 3 coefficients, got 2/);
  });
});
