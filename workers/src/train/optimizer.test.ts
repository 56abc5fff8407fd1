import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createOptimizer } from './optimizer.js';
import { learningRateFactor } from './schedule.js';

const slot = (values: number[], dims = [values.length]) => ({ name: 'p', dims, value: Float32Array.from(values) });
const close = (a: ArrayLike<number>, b: readonly number[], tol = 1e-6) =>
  b.forEach((v, i) => assert.ok(Math.abs(a[i]! - v) < tol, `[${i}] ${a[i]} vs ${v}`));

describe('optimizers', () => {
  it('SGD with momentum: v ← μv + g, θ ← θ − lr·v', () => {
    const opt = createOptimizer({ kind: 'sgd', learningRate: 0.1, momentum: 0.9 });
    const p = slot([1, -2]);
    opt.step([p], [Float32Array.of(0.5, 1)], 0.1);
    close(p.value, [0.95, -2.1]);
    opt.step([p], [Float32Array.of(0.5, 1)], 0.1);
    // v = 0.9·0.5 + 0.5 = 0.95 and 0.9·1 + 1 = 1.9
    close(p.value, [0.95 - 0.095, -2.1 - 0.19]);
  });

  it('Adam: the first step moves each weight by lr against the gradient sign (Kingma & Ba, §2)', () => {
    const opt = createOptimizer({ kind: 'adam', learningRate: 0.01 });
    const p = slot([1, -2, 3]);
    opt.step([p], [Float32Array.of(0.3, -4, 1e-3)], 0.01);
    close(p.value, [0.99, -1.99, 2.99], 1e-5);
  });

  it('weight decay shrinks matrices only, not biases', () => {
    const opt = createOptimizer({ kind: 'adam', learningRate: 0.1, weightDecay: 0.5 });
    const matrix = { name: 'w', dims: [1, 2], value: Float32Array.of(2, 2) };
    const bias = { name: 'b', dims: [2], value: Float32Array.of(2, 2) };
    opt.step([matrix, bias], [new Float32Array(2), new Float32Array(2)], 0.1);
    close(matrix.value, [1.9, 1.9]);
    close(bias.value, [2, 2]);
  });

  it('rejects a non-positive learning rate', () => {
    assert.throws(() => createOptimizer({ kind: 'sgd', learningRate: 0 }), /learningRate must be > 0, got 0/);
  });
});

describe('learning-rate schedules', () => {
  it('cosine: warm-up, then from 1 down to 0', () => {
    const spec = { kind: 'cosine', warmupSteps: 10 } as const;
    assert.equal(learningRateFactor(spec, 0, 110), 0.1);
    assert.equal(learningRateFactor(spec, 10, 110), 1);
    assert.ok(Math.abs(learningRateFactor(spec, 60, 110) - 0.5) < 1e-12);
    assert.ok(learningRateFactor(spec, 110, 110) < 1e-12);
  });
  it('step: × gamma every k steps', () => {
    assert.equal(learningRateFactor({ kind: 'step', everySteps: 5, gamma: 0.5 }, 12, 100), 0.25);
  });
});
