import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../data/rng.js';
import type { FloatTensor } from '../onnx/model.js';
import { kthSmallest, pruneCount, smallestMagnitudeMasks } from './math/magnitude-mask.js';
import { pruneMagnitude } from './prune-magnitude.js';
import { cnnModel, randomInput } from '../testing/compress/models.js';
import { runModel } from '../testing/compress/run-ort.js';

const zerosOf = (m: Uint8Array) => m.length - m.reduce((s, v) => s + v, 0);

describe('smallestMagnitudeMasks', () => {
  it('prunes exactly the requested count, breaking ties by position', () => {
    const a = Float32Array.from([0.5, -0.1, 0.1, 2, -0.1]);
    const b = Float32Array.from([0.1, 3, -0.05]);
    const [ma, mb] = smallestMagnitudeMasks([a, b], 4);
    // |−0.05| is smallest; then four values tie at 0.1: the first three by position go.
    assert.deepEqual([...ma!], [1, 0, 0, 1, 0]);
    assert.deepEqual([...mb!], [1, 1, 0]);
  });

  it('agrees with a full sort by (|w|, position) on random data', () => {
    const rng = new Rng(11);
    // Rounded values make many ties.
    const tensors = [300, 50, 1000].map((n) => Float32Array.from({ length: n }, () => Math.round(rng.normal() * 8) / 8));
    const flat = tensors.flatMap((t, j) => Array.from(t, (v, i) => ({ m: Math.abs(v), j, i })));
    flat.sort((x, y) => x.m - y.m || x.j - y.j || x.i - y.i);
    for (const k of [0, 1, 675, 1349, 1350]) {
      const masks = smallestMagnitudeMasks(tensors, k);
      const expected = tensors.map((t) => new Uint8Array(t.length).fill(1));
      for (const e of flat.slice(0, k)) expected[e.j]![e.i] = 0;
      assert.deepEqual(masks, expected, `k = ${k}`);
    }
  });
});

describe('pruneMagnitude', () => {
  const model = cnnModel();
  const weights = ['conv1.weight', 'conv2.weight', 'fc1.weight', 'fc2.weight'];
  const total = weights.reduce((s, w) => s + model.graph.initializers.find((t) => t.name === w)!.data.length, 0);

  for (const ratio of [0, 0.5, 0.9, 0.37]) {
    it(`reaches exactly round(${ratio} · n) zeros globally`, () => {
      const r = pruneMagnitude(model, { ratio });
      const zeros = r.tensors.reduce((s, t) => s + t.zeros, 0);
      assert.equal(zeros, pruneCount(total, ratio));
      let counted = 0;
      for (const w of weights) {
        const t = r.model.graph.initializers.find((x) => x.name === w) as FloatTensor;
        const mask = r.masks.get(w)!;
        t.data.forEach((v, i) => {
          if (v === 0) counted++;
          assert.equal(v === 0, mask[i] === 0);
        });
      }
      assert.equal(counted, zeros);
      // Biases stay dense.
      assert.equal(r.masks.has('conv1.bias'), false);
    });
  }

  it('per-layer scope reaches the ratio in every layer', () => {
    const r = pruneMagnitude(model, { ratio: 0.6, scope: 'layer' });
    for (const t of r.tensors) assert.equal(t.zeros, pruneCount(t.params, 0.6), t.weight);
    for (const [w, m] of r.masks) assert.equal(zerosOf(m), pruneCount(m.length, 0.6), w);
  });

  it('global scope keeps every surviving weight at least as large as every pruned one', () => {
    const r = pruneMagnitude(model, { ratio: 0.7 });
    let maxPruned = 0;
    let minKept = Infinity;
    for (const w of weights) {
      const orig = model.graph.initializers.find((x) => x.name === w) as FloatTensor;
      const mask = r.masks.get(w)!;
      orig.data.forEach((v, i) => {
        if (mask[i]) minKept = Math.min(minKept, Math.abs(v));
        else maxPruned = Math.max(maxPruned, Math.abs(v));
      });
    }
    assert.ok(maxPruned <= minKept);
  });

  it('ratio 0 leaves the outputs unchanged and the pruned model loads in onnxruntime', async () => {
    const input = randomInput([2, 1, 28, 28], 2);
    const same = await runModel(pruneMagnitude(model, { ratio: 0 }).model, input, [2, 1, 28, 28]);
    assert.deepEqual(same, await runModel(model, input, [2, 1, 28, 28]));
    const pruned = await runModel(pruneMagnitude(model, { ratio: 0.9 }).model, input, [2, 1, 28, 28]);
    assert.equal(pruned.length, 20);
    assert.ok(pruned.every(Number.isFinite));
  });

  it('names a bad ratio', () => {
    assert.throws(() => pruneMagnitude(model, { ratio: 1 }), { code: 'BAD_RECIPE', message: 'prune.ratio must be in [0, 1), got 1' });
  });
});

describe('kthSmallest', () => {
  it('agrees with a full sort, with ties and adversarial orders', () => {
    const rng = new Rng(4);
    const inputs = [
      Float32Array.from({ length: 1001 }, () => Math.round(rng.normal() * 4)),
      Float32Array.from({ length: 500 }, (_, i) => i),
      Float32Array.from({ length: 500 }, (_, i) => 500 - i),
      new Float32Array(64).fill(3),
      Float32Array.of(2),
    ];
    for (const input of inputs) {
      const sorted = input.slice().sort();
      for (const k of [0, 1, input.length >> 1, input.length - 1]) {
        if (k >= input.length) continue;
        assert.equal(kthSmallest(input.slice(), k), sorted[k]);
      }
    }
  });
});
