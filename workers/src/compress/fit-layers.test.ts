import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillBatch } from '../data/dataset.js';
import { Rng } from '../data/rng.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import type { FloatTensor, Model } from '../onnx/model.js';
import { floatTensor } from '../onnx/tensor.js';
import { syntheticDataset } from '../testing/compress/datasets.js';
import { runModel } from '../testing/compress/run-ort.js';
import { fitLayers } from './fit-layers.js';
import { weightLayers } from './graph/layers.js';
import { dequantizeTensor } from './math/quant-params.js';
import { pruneChannels } from './prune-channels.js';
import { pruneMagnitude } from './prune-magnitude.js';
import { quantizeWeights, roundedWeights } from './quantize-weights.js';

/**
 * [N, 1, 12, 12] → Conv 1→4 3×3 stride 2 pads 1 → Relu → depthwise Conv 3×3 dilation 2 pads 2
 * (group 4) → Relu → Conv 4→6 1×1 → Relu → Flatten → Gemm 216→5 with transB 0 and alpha 0.5: every
 * way `fitLayers` reads a patch (stride, padding, dilation, groups, Gemm layouts) in one model.
 */
function patchModel(seed = 1): Model {
  const rng = new Rng(seed);
  const t = (name: string, dims: number[], scale: number) => floatTensor(name, dims, Float32Array.from({ length: dims.reduce((p, d) => p * d, 1) }, () => rng.normal(0, scale)));
  const b = new GraphBuilder({ name: 'patches' });
  const x = b.input('x', ['N', 1, 12, 12]);
  let h = b.node('Conv', [x, b.initializer(t('c1.w', [4, 1, 3, 3], 0.5)), b.initializer(t('c1.b', [4], 0.1))], { strides: [2, 2], pads: [1, 1, 1, 1], kernel_shape: [3, 3] }, 'c1');
  h = b.node('Relu', [h]);
  h = b.node('Conv', [h, b.initializer(t('dw.w', [4, 1, 3, 3], 0.5)), b.initializer(t('dw.b', [4], 0.1))], { group: 4, dilations: [2, 2], pads: [2, 2, 2, 2], kernel_shape: [3, 3] }, 'dw');
  h = b.node('Relu', [h]);
  h = b.node('Conv', [h, b.initializer(t('pw.w', [6, 4, 1, 1], 0.5))], { kernel_shape: [1, 1] }, 'pw');
  h = b.node('Flatten', [b.node('Relu', [h])], { axis: 1 });
  b.output(b.node('Gemm', [h, b.initializer(t('fc.w', [216, 5], 0.2)), b.initializer(t('fc.b', [5], 0.1))], { alpha: 0.5 }, 'fc'), ['N', 5]);
  return b.build();
}

const data = syntheticDataset({ count: 300, shape: [1, 12, 12], seed: 3 });
const probe = syntheticDataset({ count: 40, shape: [1, 12, 12], seed: 9 });
const probeInput = fillBatch(probe, Int32Array.from({ length: probe.count }, (_, i) => i));
const outputs = (m: Model) => runModel(m, probeInput, [probe.count, 1, 12, 12]);

/** ‖a − b‖² / ‖b‖². */
function relativeError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return num / den;
}

function weightOf(m: Model, node: string): FloatTensor {
  return weightLayers(m).find((l) => l.node.name === node)!.weight;
}

function perturbed(m: Model, node: string, seed: number, scale: number): Model {
  const rng = new Rng(seed);
  const w = weightOf(m, node);
  const noisy = floatTensor(w.name, w.dims, w.data.map((v) => v + rng.normal(0, scale)));
  return { ...m, graph: { ...m.graph, initializers: m.graph.initializers.map((t) => (t.name === w.name ? noisy : t)) } };
}

describe('fitLayers', () => {
  const original = patchModel();

  it('leaves a model that already matches its reference computing what it computed (patches read right)', async () => {
    const r = await fitLayers(original, { original, data, count: 200 });
    assert.deepEqual(r.fitted.map((l) => l.node), ['c1', 'dw', 'pw', 'fc']);
    for (const l of r.fitted) assert.ok(l.errorBefore < 1e-9 && l.errorAfter < 1e-9, `${l.node}: ${l.errorBefore} → ${l.errorAfter}`);
    // A patch read at the wrong place would make the fit move the weights; the outputs would change.
    assert.ok(relativeError(await outputs(r.model), await outputs(original)) < 1e-9);
  });

  it('recovers a layer whose weights were disturbed, from the reference outputs', async () => {
    for (const node of ['c1', 'dw', 'pw', 'fc']) {
      const damaged = perturbed(original, node, 7, 0.3);
      const before = relativeError(await outputs(damaged), await outputs(original));
      const r = await fitLayers(damaged, { original, data, count: 200 });
      const after = relativeError(await outputs(r.model), await outputs(original));
      // The 1 % damping pulls towards the damaged weights; without it the recovery would be exact.
      assert.ok(after < 0.05 * before, `${node}: error ${before} → ${after} on images the fit never saw`);
      const fitted = r.fitted.find((l) => l.node === node)!;
      assert.ok(fitted.errorAfter < 0.05 * fitted.errorBefore, `${node}: ${fitted.errorBefore} → ${fitted.errorAfter}`);
    }
  });

  it('refits the layers after channel pruning to the unpruned outputs, kept channels only', async () => {
    const pruned = pruneChannels(original, { ratio: 0.5 });
    const kept = new Map<string, Int32Array>();
    for (const g of pruned.groups) for (const n of [...g.producers, ...g.depthwise]) kept.set(n, g.kept);
    assert.ok(kept.size > 0);
    const r = await fitLayers(pruned.model, { original, data, count: 300, keptOutputs: kept });
    const reference = await outputs(original);
    const before = relativeError(await outputs(pruned.model), reference);
    const after = relativeError(await outputs(r.model), reference);
    assert.ok(after < 0.5 * before, `logits error ${before} → ${after}`);
    for (const l of r.fitted) assert.ok(l.errorAfter <= l.errorBefore + 1e-12, `${l.node}: ${l.errorBefore} → ${l.errorAfter}`);
  });

  it('keeps pruned weights at zero', async () => {
    const pruned = pruneMagnitude(original, { ratio: 0.5, scope: 'layer', criterion: 'magnitude' });
    const r = await fitLayers(pruned.model, { original, data, count: 200 });
    for (const node of ['c1', 'dw', 'pw', 'fc']) {
      const before = weightOf(pruned.model, node).data;
      const after = weightOf(r.model, node).data;
      const zeros = before.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
      assert.ok(zeros > 0);
      before.forEach((v, i) => {
        if (v === 0) assert.equal(after[i], 0, `${node}[${i}] was pruned`);
      });
    }
    assert.ok(relativeError(await outputs(r.model), await outputs(original)) < relativeError(await outputs(pruned.model), await outputs(original)));
  });

  it('with a grid, rounds onto it and moves the outputs less than rounding to nearest (3 bits)', async () => {
    const options = { bits: 3, granularity: 'per-channel', symmetric: true, firstLayerBits: 0 } as const;
    const nearest = quantizeWeights(original, options);
    const rounded = await roundedWeights(original, { ...options, data, count: 300 });
    const gptq = quantizeWeights(rounded.model, { ...options, codes: rounded.codes });
    // The stored codes are the fitted weights: dequantized, they equal the float weights they replace.
    for (const [name, q] of rounded.codes) {
      const w = rounded.model.graph.initializers.find((t) => t.name === name)!.data as Float32Array;
      const dq = dequantizeTensor(q);
      assert.ok(w.every((v, i) => v === dq[i]), `${name} holds its grid values`);
      assert.ok(q.codes.every((c) => c >= -3 && c <= 3), `${name} codes within 3 bits`);
    }
    assert.equal(rounded.codes.size, 4);
    const reference = await outputs(original);
    const eNearest = relativeError(await outputs(nearest.model), reference);
    const eGptq = relativeError(await outputs(gptq.model), reference);
    assert.ok(eGptq < 0.7 * eNearest, `relative logits error: gptq ${eGptq} vs nearest ${eNearest}`);
  });

  it('absorbs each rounding error in the weights after it: one layer moves less than rounded to nearest', async () => {
    // A single Gemm on the pixels: nothing before it to refit, so any gain is the sweep's own.
    const rng = new Rng(4);
    const b = new GraphBuilder({ name: 'one-layer' });
    const x = b.node('Flatten', [b.input('x', ['N', 1, 12, 12])], { axis: 1 });
    b.output(b.node('Gemm', [x, b.initializer(floatTensor('w', [5, 144], Float32Array.from({ length: 720 }, () => rng.normal(0, 0.1)))), b.initializer(floatTensor('c', [5], [0, 0, 0, 0, 0]))], { transB: 1 }, 'fc'), ['N', 5]);
    const m = b.build();
    const options = { bits: 3, granularity: 'per-channel', symmetric: true, firstLayerBits: 0 } as const;
    const rounded = await roundedWeights(m, { ...options, data, count: 300 });
    const reference = await outputs(m);
    const eNearest = relativeError(await outputs(quantizeWeights(m, options).model), reference);
    const eGptq = relativeError(await outputs(quantizeWeights(rounded.model, { ...options, codes: rounded.codes }).model), reference);
    assert.ok(eGptq < 0.5 * eNearest, `relative output error: gptq ${eGptq} vs nearest ${eNearest}`);
  });

  it('estimates the structure without running: a bias on every fitted layer', async () => {
    const r = await fitLayers(original, { original, data, structureOnly: true });
    assert.equal(r.fitted.length, 0);
    const pw = r.model.graph.nodes.find((n) => n.name === 'pw')!;
    assert.equal(pw.inputs.length, 3, 'the bias-less 1×1 conv gets a bias');
    assert.ok(relativeError(await outputs(r.model), await outputs(original)) < 1e-12);
  });

  it('leaves a layer with a weight shared by two nodes as it is, saying why', async () => {
    const b = new GraphBuilder({ name: 'shared' });
    const x = b.input('x', ['N', 1, 12, 12]);
    const w = b.initializer(floatTensor('w', [1, 1, 3, 3], Float32Array.from({ length: 9 }, (_, i) => (i - 4) / 8)));
    const h = b.node('Conv', [b.node('Conv', [x, w], { pads: [1, 1, 1, 1] }, 'a'), w], { pads: [1, 1, 1, 1] }, 'b');
    b.output(h, ['N', 1, 12, 12]);
    const m = b.build();
    const r = await fitLayers(m, { original: m, data, count: 20 });
    assert.deepEqual(r.skipped, [
      { node: 'a', reason: 'its weight is shared with another node' },
      { node: 'b', reason: 'its weight is shared with another node' },
    ]);
  });
});
