import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../data/rng.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { floatTensor } from '../onnx/tensor.js';
import { Trainer } from './trainer.js';

describe('Trainer', () => {
  it('updates BatchNormalization running statistics from the batch (unbiased variance)', async () => {
    // input [N, 3] → Gemm (weights W, bias b) → BN over 2 channels → Gemm → logits [N, 2].
    const rng = new Rng(3);
    const w = Float32Array.from({ length: 6 }, () => rng.normal(0, 1));
    const b = new GraphBuilder();
    b.input('x', ['N', 3]);
    const h = b.node('Gemm', ['x', b.initializer(floatTensor('w', [2, 3], w)), b.initializer(floatTensor('b', [2], [0.5, -1]))], { transB: 1 });
    const bn = b.node('BatchNormalization', [h, ...['g', 'beta', 'm', 'v'].map((n, i) => b.initializer(floatTensor(n, [2], i === 0 || i === 3 ? [1, 1] : [0, 0])))], { momentum: 0.8 });
    b.output(b.node('Gemm', [bn, b.initializer(floatTensor('w2', [2, 2], [1, 0, 0, 1]))]), ['N', 2]);
    const model = b.build();
    const trainer = await Trainer.create({ model, trainable: ['g', 'beta', 'w2'], loss: { kind: 'crossEntropy' }, optimizer: { kind: 'sgd', learningRate: 0.1 } });
    try {
      const n = 5;
      const x = Float32Array.from({ length: n * 3 }, () => rng.normal(0, 1));
      await trainer.step({ inputs: { x: { data: x, dims: [n, 3] } }, labels: { data: Float32Array.from({ length: n * 2 }, (_, i) => i % 2), dims: [n, 2] } }, 0.1);
      const values = trainer.trainedValues();
      for (let c = 0; c < 2; c++) {
        const act = Array.from({ length: n }, (_, i) => [0, 1, 2].reduce((s, k) => s + x[i * 3 + k]! * w[c * 3 + k]!, c === 0 ? 0.5 : -1));
        const mean = act.reduce((s, v) => s + v, 0) / n;
        const unbiased = act.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
        assert.ok(Math.abs(values.get('m')![c]! - 0.2 * mean) < 1e-5, `running mean ${values.get('m')![c]} vs ${0.2 * mean}`);
        assert.ok(Math.abs(values.get('v')![c]! - (0.8 + 0.2 * unbiased)) < 1e-5, `running var ${values.get('v')![c]}`);
      }
      // The Gemm before the BN is frozen: its weights are not among the trained values.
      assert.equal(values.has('w'), false);
    } finally {
      await trainer.release();
    }
  });

  it('rejects a mask of the wrong size, naming the parameter', async () => {
    const b = new GraphBuilder();
    b.input('x', ['N', 2]);
    b.output(b.node('Gemm', ['x', b.initializer(floatTensor('w', [2, 2], [1, 2, 3, 4]))]), ['N', 2]);
    await assert.rejects(
      Trainer.create({ model: b.build(), trainable: ['w'], loss: { kind: 'crossEntropy' }, optimizer: { kind: 'sgd', learningRate: 0.1 }, masks: new Map([['w', new Float32Array(3)]]) }),
      /mask for "w" has 3 values, the parameter 4/,
    );
  });
});
