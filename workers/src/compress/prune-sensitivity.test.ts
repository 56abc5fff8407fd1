import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dataset } from '../data/dataset.js';
import { Rng } from '../data/rng.js';
import type { FloatTensor, Model } from '../onnx/model.js';
import { floatTensor } from '../onnx/tensor.js';
import { syntheticDataset } from '../testing/compress/datasets.js';
import { cnnModel, residualModel } from '../testing/compress/models.js';
import { runModel } from '../testing/compress/run-ort.js';
import { replaceInitializers, withGraph } from './graph/edit.js';
import { pruneCount } from './math/magnitude-mask.js';
import { pruneMagnitude } from './prune-magnitude.js';
import { sensitivityAllocation } from './prune-sensitivity.js';

/** The model with some initializers changed by `f`. */
function edited(model: Model, f: Readonly<Record<string, (data: Float32Array) => Float32Array>>): Model {
  const changes = new Map(
    model.graph.initializers.filter((t) => f[t.name]).map((t) => [t.name, floatTensor(t.name, t.dims, f[t.name]!((t as FloatTensor).data))]),
  );
  return withGraph(model, { initializers: replaceInitializers(model.graph, changes) });
}

/** Mean KL(p ‖ q) between the softmaxes of two logit batches [N, 10]: the reference computation. */
function meanKl(p: Float32Array, q: Float32Array, classes = 10): number {
  const logSoftmax = (x: Float32Array, at: number) => {
    const row = Array.from(x.subarray(at, at + classes), Number);
    const max = Math.max(...row);
    const log = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    return row.map((v) => v - log);
  };
  let total = 0;
  for (let at = 0; at < p.length; at += classes) {
    const lp = logSoftmax(p, at);
    const lq = logSoftmax(q, at);
    total += lp.reduce((s, v, k) => s + Math.exp(v) * (v - lq[k]!), 0);
  }
  return total / (p.length / classes);
}

function imagesOf(d: Dataset): Float32Array {
  return Float32Array.from(d.pixels, (v) => v * d.pixelScale);
}

/**
 * cnnModel made so that its first conv is the one layer pruning hurts: every other weight tensor has
 * 85 % of its weights shrunk to a hundredth (nearly free to prune), while conv1 keeps all of its own
 * but is scaled by 10⁻⁴ — its bias and BatchNorm mean alike, the BatchNorm scale by 10⁴, so the
 * function is unchanged — which puts all of it below every other layer's weights for a global
 * magnitude threshold.
 */
function oneSensitiveLayer(): Model {
  const rng = new Rng(21);
  const mostlyTiny = (d: Float32Array) => d.map((v) => (rng.next() < 0.85 ? v * 1e-2 : v));
  const c = 1e-4;
  return edited(cnnModel(), {
    'conv1.weight': (d) => d.map((v) => v * c),
    'conv1.bias': (d) => d.map((v) => v * c),
    'bn1.mean': (d) => d.map((v) => v * c),
    'bn1.scale': (d) => d.map((v) => v / c),
    'conv2.weight': mostlyTiny,
    'fc1.weight': mostlyTiny,
    'fc2.weight': mostlyTiny,
  });
}

describe('sensitivityAllocation', () => {
  const fit = syntheticDataset({ count: 64, shape: [1, 28, 28], seed: 3 });

  it('gives the one sensitive layer a lower ratio than every other, where global magnitude prunes it nearly whole', async () => {
    const model = oneSensitiveLayer();
    const { tensors: measured, kept } = await sensitivityAllocation(model, { ratio: 0.7, data: fit, count: 64 });
    assert.equal(kept, 'measured');
    const share = new Map(measured.map((t) => [t.weight, t.chosen / t.params]));
    for (const [weight, s] of share) if (weight !== 'conv1.weight') assert.ok(share.get('conv1.weight')! < s, `conv1 ${share.get('conv1.weight')} vs ${weight} ${s}`);
    // Its damage curve is the steepest: pruning half of it alone hurts more than half of any other.
    const atHalf = (t: (typeof measured)[number]) => t.damage[t.ratios.indexOf(0.5)]!;
    const conv1 = measured.find((t) => t.weight === 'conv1.weight')!;
    for (const t of measured) if (t !== conv1) assert.ok(atHalf(conv1) > atHalf(t));
    // The construction is what makes the test mean something: a global magnitude threshold takes conv1 first.
    const magnitude = pruneMagnitude(model, { ratio: 0.7 }).tensors.find((t) => t.weight === 'conv1.weight')!;
    assert.ok(magnitude.zeros / magnitude.params > 0.9);
  });

  it('allocates exactly round(ratio · n) zeros over the tensors pruneMagnitude prunes', async () => {
    for (const [model, data] of [
      [cnnModel(), fit],
      [residualModel(), syntheticDataset({ count: 32, shape: [1, 16, 16], seed: 4 })],
    ] as const) {
      for (const ratio of [0.37, 0.7, 0.99]) {
        const { tensors: measured } = await sensitivityAllocation(model, { ratio, data, count: 32, ratios: [0.3, 0.6, 0.9] });
        const total = measured.reduce((s, t) => s + t.params, 0);
        assert.equal(
          measured.reduce((s, t) => s + t.chosen, 0),
          pruneCount(total, ratio),
        );
        assert.deepEqual(
          measured.map((t) => t.weight),
          pruneMagnitude(model, { ratio }).tensors.map((t) => t.weight),
        );
        // 0.99 is beyond the grid's reach: the whole tensor (ratio 1) is measured too.
        for (const t of measured) assert.equal(t.zeros.at(-1) === t.params, ratio === 0.99);
      }
    }
  });

  for (const [name, model, shape] of [
    ['cnnModel', cnnModel(), [1, 28, 28]],
    ['residualModel', residualModel(), [1, 16, 16]],
  ] as const) {
    it(`damages the outputs of ${name} at 70 % less than global magnitude or LAMP (held-out images)`, async () => {
      const calibration = syntheticDataset({ count: 128, shape, seed: 3 });
      const held = syntheticDataset({ count: 200, shape, seed: 17 });
      const x = imagesOf(held);
      const dims = [held.count, ...shape];
      const reference = await runModel(model, x, dims);
      const measured = await sensitivityAllocation(model, { ratio: 0.7, data: calibration, count: 128 });
      assert.equal(measured.kept, 'measured');
      assert.ok(measured.damage.measured < measured.damage.lamp);
      const sensitivity = pruneMagnitude(model, { ratio: 0.7, zeros: new Map(measured.tensors.map((t) => [t.weight, t.chosen])) });
      const damage = async (m: Model) => meanKl(reference, await runModel(m, x, dims));
      const ours = await damage(sensitivity.model);
      const magnitude = await damage(pruneMagnitude(model, { ratio: 0.7 }).model);
      const lamp = await damage(pruneMagnitude(model, { ratio: 0.7, criterion: 'lamp' }).model);
      assert.ok(ours < magnitude && ours < lamp, `sensitivity ${ours}, magnitude ${magnitude}, LAMP ${lamp}`);
    });
  }

  it("keeps LAMP's split when the allocated model measures more damage than it", async () => {
    // A grid of one ratio past LAMP's point misjudges the whole on this model: the curves' sum is not the model's damage.
    const model = residualModel(6);
    const data = syntheticDataset({ count: 32, shape: [1, 16, 16], seed: 3 });
    const r = await sensitivityAllocation(model, { ratio: 0.5, data, count: 32, ratios: [0.98] });
    assert.equal(r.kept, 'lamp');
    assert.ok(r.damage.measured > r.damage.lamp);
    const lamp = pruneMagnitude(model, { ratio: 0.5, criterion: 'lamp' });
    assert.deepEqual(r.tensors.map((t) => t.chosen), lamp.tensors.map((t) => t.zeros));
  });
});
