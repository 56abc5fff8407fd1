import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asFloat } from '../onnx/tensor.js';
import type { Model } from '../onnx/model.js';
import { fit } from './fit.js';
import { accuracyOf, predictLogits } from './predict.js';
import { smallCnn, stripesDataset } from '../testing/train/synthetic.js';

const weights = (m: Model, name: string) => asFloat(m.graph.initializers.find((t) => t.name === name)!).data;

describe('fit', () => {
  const train = stripesDataset(240, 1);
  const test = stripesDataset(120, 2);

  it('learns a small task: loss falls and held-out accuracy is high', async () => {
    const r = await fit({ model: smallCnn(3), train, epochs: 4, seed: 5, batchSize: 16, optimizer: { kind: 'adam', learningRate: 1e-2 } });
    assert.ok(r.history[3]!.loss < 0.5 * r.history[0]!.loss, `loss ${r.history.map((h) => h.loss.toFixed(3)).join(' → ')}`);
    const acc = accuracyOf(await predictLogits(r.model, test), test.labels, 3);
    assert.ok(acc > 0.9, `held-out accuracy ${acc}`);
  });

  it('trains a model scoring more classes than the dataset has, and refuses one scoring fewer', async () => {
    // Two of the three stripe classes: the model's third logit trains towards "never".
    const keep = Array.from(train.labels.keys()).filter((i) => train.labels[i]! < 2);
    const size = 36;
    const two = { ...train, name: 'two-stripes', classes: 2, count: keep.length, labels: Uint8Array.from(keep, (i) => train.labels[i]!), pixels: Uint8Array.from(keep.flatMap((i) => [...train.pixels.subarray(i * size, (i + 1) * size)])) };
    const r = await fit({ model: smallCnn(3), train: two, epochs: 2, seed: 5, batchSize: 16, optimizer: { kind: 'adam', learningRate: 1e-2 } });
    assert.ok(r.history[1]!.accuracy > 0.9, `training accuracy ${r.history[1]!.accuracy}`);
    await assert.rejects(fit({ model: smallCnn(3), train: { ...train, name: 'four', classes: 4 }, epochs: 1, seed: 5 }), /the model scores 3 classes but four has 4/);
  });

  it('is deterministic for a seed, with augmentation, and the seed matters', async () => {
    const run = (seed: number) => fit({ model: smallCnn(3), train, epochs: 1, seed, batchSize: 16, augment: { maxShift: 1, flip: true }, optimizer: { kind: 'sgd', learningRate: 0.05 } });
    const [a, b, c] = [await run(9), await run(9), await run(10)];
    assert.deepEqual(weights(a.model, 'fc1.w'), weights(b.model, 'fc1.w'));
    assert.notDeepEqual(weights(a.model, 'fc1.w'), weights(c.model, 'fc1.w'));
  });

  it('trains only the last layers; cached prefix features give the same weights as running the prefix', async () => {
    const model = smallCnn(3);
    const run = (maxCacheBytes: number) => fit({ model, train, epochs: 1, seed: 4, batchSize: 16, layers: { last: 2 }, maxCacheBytes });
    const cached = await run(2 ** 20);
    const uncached = await run(0);
    assert.deepEqual(cached.trained, ['fc1.w', 'fc1.b', 'fc2.w', 'fc2.b']);
    assert.deepEqual(weights(cached.model, 'conv.w'), weights(model, 'conv.w'));
    assert.deepEqual(weights(cached.model, 'bn.mean'), weights(model, 'bn.mean'));
    assert.notDeepEqual(weights(cached.model, 'fc1.w'), weights(model, 'fc1.w'));
    const a = weights(cached.model, 'fc1.w');
    const b = weights(uncached.model, 'fc1.w');
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-6, `fc1.w[${i}]: ${a[i]} vs ${b[i]}`);
  });

  it('keeps pruned weights at exactly zero', async () => {
    const model = smallCnn(3);
    const w = weights(model, 'fc1.w');
    const mask = Float32Array.from(w, (_, i) => (i % 3 === 0 ? 0 : 1));
    const r = await fit({ model, train, epochs: 1, seed: 4, batchSize: 16, masks: new Map([['fc1.w', mask]]), optimizer: { kind: 'sgd', learningRate: 0.05, weightDecay: 1e-3 } });
    const out = weights(r.model, 'fc1.w');
    out.forEach((v, i) => (mask[i] === 0 ? assert.equal(v, 0) : undefined));
    assert.ok(out.some((v, i) => mask[i] === 1 && v !== w[i]));
  });

  it('distils a student from a teacher', async () => {
    const teacher = (await fit({ model: smallCnn(3), train, epochs: 3, seed: 1, batchSize: 16, optimizer: { kind: 'adam', learningRate: 1e-2 } })).model;
    const r = await fit({
      model: smallCnn(8),
      train,
      teacher,
      loss: { kind: 'distillation', temperature: 4, alpha: 0.9 },
      epochs: 3,
      seed: 2,
      batchSize: 16,
      optimizer: { kind: 'adam', learningRate: 1e-2 },
    });
    const acc = accuracyOf(await predictLogits(r.model, test), test.labels, 3);
    assert.ok(acc > 0.85, `student accuracy ${acc}`);
  });
});
