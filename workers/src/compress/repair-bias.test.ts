import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Dataset } from '../data/dataset.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import type { Model } from '../onnx/model.js';
import { floatTensor } from '../onnx/tensor.js';
import { cnnModel } from '../testing/compress/models.js';
import { syntheticDataset } from '../testing/compress/datasets.js';
import { channelMoments } from './calibrate.js';
import { compress } from './compress.js';
import { pruneChannels } from './prune-channels.js';
import { pruneMagnitude } from './prune-magnitude.js';
import { correctBiases } from './repair-bias.js';

/** Four pixels [1, 2, 2] → Flatten → Gemm (transB) with a weight [2, 4] and a bias [2]. */
function linearModel(weight: readonly number[], bias: readonly number[]): Model {
  const b = new GraphBuilder({ name: 'linear' });
  const x = b.input('x', ['N', 1, 2, 2]);
  const w = b.initializer(floatTensor('fc.weight', [2, 4], Float32Array.from(weight)));
  const c = b.initializer(floatTensor('fc.bias', [2], Float32Array.from(bias)));
  b.output(b.node('Gemm', [b.node('Flatten', [x], {}, 'flat'), w, c], { transB: 1 }, 'fc'), ['N', 2]);
  return b.build();
}

/** Three images of four pixels, 0–255, read as pixel / 255. */
const images: Dataset = {
  name: 'three',
  shape: [1, 2, 2],
  classes: 2,
  count: 3,
  pixels: Uint8Array.from([255, 0, 51, 102, 0, 255, 153, 0, 51, 51, 204, 255]),
  pixelScale: 1 / 255,
  labels: Uint8Array.of(0, 1, 0),
};

const initializer = (m: Model, node: string, input: number) => {
  const name = m.graph.nodes.find((n) => n.name === node)!.inputs[input]!;
  return [...(m.graph.initializers.find((t) => t.name === name)!.data as Float32Array)];
};

describe('correctBiases', () => {
  const W = [0.5, -1, 2, 0.25, 1.5, 0.75, -0.5, 1];
  const bias = [0.1, -0.2];
  const original = linearModel(W, bias);

  it("'bias' adds (W − W')·E[x] to a linear layer's bias, as computed by hand", async () => {
    const prunedW = [0.5, 0, 2, 0, 1.5, 0, 0, 1];
    const r = await correctBiases(linearModel(prunedW, bias), { original, data: images });
    // E[x] over the three images, pixel by pixel.
    const mean = [0, 1, 2, 3].map((i) => (images.pixels[i]! + images.pixels[4 + i]! + images.pixels[8 + i]!) / 3 / 255);
    const expected = [0, 1].map((o) => bias[o]! + [0, 1, 2, 3].reduce((s, i) => s + (W[o * 4 + i]! - prunedW[o * 4 + i]!) * mean[i]!, 0));
    const got = initializer(r.model, 'fc', 2);
    got.forEach((v, o) => assert.ok(Math.abs(v - expected[o]!) < 1e-5, `bias ${o}: ${v} vs ${expected[o]}`));
    assert.deepEqual(initializer(r.model, 'fc', 1), prunedW, "'bias' leaves the weights as they are");
    assert.deepEqual(r.corrected.map((c) => c.node), ['fc']);
  });

  it("'affine' recovers the original weights when the damage is a scale per output channel", async () => {
    // Output 0 scaled by 0.5, output 1 by 0.25, bias untouched: restoring mean and deviation is exact.
    const scaled = W.map((w, i) => w * (i < 4 ? 0.5 : 0.25));
    const r = await correctBiases(linearModel(scaled, bias), { original, data: images, match: 'affine' });
    initializer(r.model, 'fc', 1).forEach((v, i) => assert.ok(Math.abs(v - W[i]!) < 1e-4, `weight ${i}: ${v} vs ${W[i]}`));
    initializer(r.model, 'fc', 2).forEach((v, o) => assert.ok(Math.abs(v - bias[o]!) < 1e-4, `bias ${o}: ${v} vs ${bias[o]}`));
  });

  it('restores every layer’s output means after unstructured pruning of a CNN, upstream shifts included', async () => {
    const model = cnnModel();
    const data = syntheticDataset({ count: 40, shape: [1, 28, 28], seed: 4 });
    const pruned = pruneMagnitude(model, { ratio: 0.8 }).model;
    const r = await correctBiases(pruned, { original: model, data });
    const outputs = ['conv1', 'conv2', 'fc1', 'fc2'].map((n) => model.graph.nodes.find((x) => x.name === n)!.outputs[0]!);
    const [want, before, after] = await Promise.all([model, pruned, r.model].map((m) => channelMoments(m, { values: outputs, data })));
    let gapBefore = 0;
    for (const o of outputs) {
      want!.get(o)!.mean.forEach((m, c) => {
        gapBefore = Math.max(gapBefore, Math.abs(m - before!.get(o)!.mean[c]!));
        assert.ok(Math.abs(m - after!.get(o)!.mean[c]!) < 1e-3 * (1 + Math.abs(m)), `${o} channel ${c}`);
      });
    }
    assert.ok(gapBefore > 1e-2, `pruning shifted the means (by up to ${gapBefore})`);
  });

  it('maps the kept channels of channel pruning onto the original ones', async () => {
    const model = cnnModel();
    const data = syntheticDataset({ count: 20, shape: [1, 28, 28], seed: 5 });
    const p = pruneChannels(model, { ratio: 0.5 });
    const kept = new Map(p.groups.flatMap((g) => g.producers.map((n) => [n, g.kept] as const)));
    const r = await correctBiases(p.model, { original: model, data, keptOutputs: kept });
    const conv1 = model.graph.nodes.find((n) => n.name === 'conv1')!.outputs[0]!;
    const [want, got] = await Promise.all([model, r.model].map((m) => channelMoments(m, { values: [conv1], data })));
    const k = kept.get('conv1')!;
    got!.get(conv1)!.mean.forEach((m, c) => assert.ok(Math.abs(m - want!.get(conv1)!.mean[k[c]!]!) < 1e-4, `channel ${c}`));
    await assert.rejects(correctBiases(p.model, { original: model, data }), { code: 'BAD_MODEL', message: /has \d+ output channels, the original \d+ kept/ });
  });

  it('is chosen by prune.repair, and says it needs calibration images without them', async () => {
    await assert.rejects(compress(cnnModel(), { prune: { ratio: 0.5, structure: 'unstructured', repair: 'affine' } }), {
      code: 'BAD_ARGUMENT',
      message: /prune.repair 'affine' needs calibration images: pass data.fit/,
    });
    const fit = syntheticDataset({ count: 20, shape: [1, 28, 28], seed: 6 });
    const r = await compress(cnnModel(), { prune: { ratio: 0.5, structure: 'channel', repair: 'bias' } }, { fit });
    const details = r.report.stages[0]!.details;
    assert.ok(details.kind === 'pruneChannel' && details.repair?.method === 'bias' && details.repair.corrected.length === 4);
    await assert.rejects(compress(cnnModel(), { prune: { ratio: 0.5, structure: 'channel', repair: 'lstsq' } } as never), { code: 'BAD_RECIPE', message: /prune.repair/ });
  });
});
