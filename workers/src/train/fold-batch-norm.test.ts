import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fillBatch } from '../data/dataset.js';
import { fit } from './fit.js';
import { foldBatchNorm } from './fold-batch-norm.js';
import { predictLogits } from './predict.js';
import { Trainer } from './trainer.js';
import { trainableParameters } from './trainable-parameters.js';
import { smallCnn, stripesDataset } from '../testing/train/synthetic.js';

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('exported models', () => {
  const train = stripesDataset(160, 1);

  it('fold BatchNormalization into the Conv and give the same logits in onnxruntime', async () => {
    const trained = (await fit({ model: smallCnn(3), train, epochs: 2, seed: 1, batchSize: 16 })).model;
    const folded = foldBatchNorm(trained);
    assert.equal(folded.graph.nodes.filter((n) => n.opType === 'BatchNormalization').length, 0);
    assert.equal(trained.graph.nodes.filter((n) => n.opType === 'BatchNormalization').length, 1);
    const a = await predictLogits(trained, train);
    const b = await predictLogits(folded, train);
    assert.ok(maxDiff(a, b) < 1e-4, `max |Δlogit| ${maxDiff(a, b)}`);
    // The running statistics moved during training, so the fold did real work.
    const mean = trained.graph.initializers.find((t) => t.name === 'bn.mean')!.data as Float32Array;
    assert.ok(mean.some((v) => Math.abs(v) > 1e-3));
  });

  it("give the logits of the engine's own forward pass", async () => {
    // Without BatchNormalization the training graph and the inference model compute the same
    // function, so the engine's logits (read before the update of a step with lr 0) must match.
    const model = foldBatchNorm(smallCnn(4));
    const trainer = await Trainer.create({ model, trainable: trainableParameters(model, 'all'), loss: { kind: 'crossEntropy' }, optimizer: { kind: 'adam', learningRate: 1e-2 } });
    try {
      const idx = Int32Array.from({ length: 32 }, (_, i) => i);
      const images = fillBatch(train, idx);
      const labels = new Float32Array(32 * 3);
      idx.forEach((i, k) => (labels[k * 3 + train.labels[i]!] = 1));
      const batch = { inputs: { input: { data: images, dims: [32, 1, 6, 6] } }, labels: { data: labels, dims: [32, 3] } };
      for (let s = 0; s < 5; s++) await trainer.step(batch, 1e-2);
      const engine = (await trainer.step(batch, 0)).logits;
      const exported = await predictLogits(trainer.currentModel(), train, { limit: 32 });
      assert.ok(maxDiff(engine, exported) < 1e-5, `max |Δlogit| ${maxDiff(engine, exported)}`);
      assert.ok(maxDiff(engine, await predictLogits(model, train, { limit: 32 })) > 1e-2, 'the weights must have changed');
    } finally {
      await trainer.release();
    }
  });
});
