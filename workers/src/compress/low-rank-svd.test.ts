import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../data/rng.js';
import { analyzeModel } from '../onnx/analyze-model.js';
import type { FloatTensor, Model } from '../onnx/model.js';
import { floatTensor } from '../onnx/tensor.js';
import { lowRankSvd } from './low-rank-svd.js';
import { truncatedSvd } from './math/svd-truncate.js';
import { cnnModel, mlpModel, randomInput, residualModel } from '../testing/compress/models.js';
import { maxAbs, maxAbsDiff, runModel } from '../testing/compress/run-ort.js';

function randomMatrix(rows: number, cols: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: rows * cols }, () => rng.normal());
}

function product(left: Float32Array, right: Float32Array, rows: number, rank: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < rank; k++) {
      const l = left[i * rank + k]!;
      for (let j = 0; j < cols; j++) out[i * cols + j]! += l * right[k * cols + j]!;
    }
  }
  return out;
}

describe('truncatedSvd', () => {
  for (const [rows, cols] of [[40, 25], [25, 40]] as const) {
    it(`reconstruction error equals the discarded singular values' norm (${rows}×${cols})`, () => {
      const w = randomMatrix(rows, cols, rows);
      for (const rank of [1, 5, 12, 24]) {
        const svd = truncatedSvd(w, { rows, cols, rank });
        const approx = product(svd.left, svd.right, rows, rank, cols);
        let err = 0;
        for (let i = 0; i < w.length; i++) err += (w[i]! - approx[i]!) ** 2;
        assert.ok(Math.abs(Math.sqrt(err) - svd.discardedNorm) < 1e-4 * svd.discardedNorm, `rank ${rank}`);
      }
    });
  }

  it('returns singular values largest first and reconstructs a full-rank matrix exactly', () => {
    const w = randomMatrix(12, 7, 3);
    const svd = truncatedSvd(w, { rows: 12, cols: 7, rank: 7 });
    for (let i = 1; i < 7; i++) assert.ok(svd.singularValues[i - 1]! >= svd.singularValues[i]!);
    assert.ok(maxAbsDiff(product(svd.left, svd.right, 12, 7, 7), w) < 1e-5);
    assert.equal(svd.discardedNorm, 0);
  });

  it('recovers an exactly low-rank matrix with zero error', () => {
    const a = randomMatrix(20, 3, 5);
    const b = randomMatrix(3, 30, 6);
    const w = Float32Array.from(product(a, b, 20, 3, 30));
    const svd = truncatedSvd(w, { rows: 20, cols: 30, rank: 3 });
    assert.ok(maxAbsDiff(product(svd.left, svd.right, 20, 3, 30), w) < 1e-4);
  });

  it('rejects a rank outside [1, min(rows, cols)]', () => {
    assert.throws(() => truncatedSvd(new Float32Array(6), { rows: 2, cols: 3, rank: 3 }), /rank must be an integer in \[1, 2\], got 3/);
  });
});

/** The original graph with every factorized weight replaced by the product of its factors. */
function referenceModel(original: Model, factorized: Model): Model {
  const inits = new Map(factorized.graph.initializers.map((t) => [t.name, t as FloatTensor]));
  const initializers = original.graph.initializers.map((t) => {
    const a = inits.get(`${t.name}_lowrank_a`);
    const b = inits.get(`${t.name}_lowrank_b`);
    if (!a || !b) return t;
    // Conv: W = b[M, r] · a[r, C·k·k]; Gemm transB=1: W[out, in] = b · a[r, in]; Gemm transB=0 and
    // MatMul: W[in, out] = a[in, r] · b. A factorized rank is below min(out, in), so a's first
    // dimension equals W's only in the last case.
    const leftFirst = t.dims.length === 2 && a.dims[0] === t.dims[0];
    const [l, r] = leftFirst ? [a, b] : [b, a];
    const rows = t.dims[0]!;
    const rank = leftFirst ? a.dims[1]! : b.dims[1]!;
    const cols = t.data.length / rows;
    return floatTensor(t.name, t.dims, Float32Array.from(product(l.data, r.data, rows, rank, cols)));
  });
  return { ...original, graph: { ...original.graph, initializers } };
}

describe('lowRankSvd', () => {
  const cases = [
    { name: 'MLP (Gemm transB 0/1, MatMul)', model: mlpModel(), dims: [3, 64] },
    { name: 'CNN (Conv, Flatten→Gemm)', model: cnnModel(), dims: [3, 1, 28, 28] },
    { name: 'residual CNN (depthwise skipped)', model: residualModel(), dims: [3, 1, 16, 16] },
  ];
  for (const c of cases) {
    it(`computes the factorized layers exactly: ${c.name}`, async () => {
      const result = lowRankSvd(c.model, { rankRatio: 0.25 });
      assert.ok(result.factorized.length > 0);
      const input = randomInput(c.dims, 3);
      const got = await runModel(result.model, input, c.dims);
      const want = await runModel(referenceModel(c.model, result.model), input, c.dims);
      assert.ok(maxAbsDiff(got, want) < 1e-4 * Math.max(1, maxAbs(want)));
      const before = analyzeModel(c.model).params;
      const after = analyzeModel(result.model).params;
      const saved = result.factorized.reduce((s, l) => s + l.paramsBefore - l.paramsAfter, 0);
      assert.equal(before - after, saved);
      assert.ok(saved > 0);
    });
  }

  it('factorizes the convs of the CNN into r filters and a 1×1 conv', () => {
    const { model, factorized } = lowRankSvd(cnnModel(), { rankRatio: 0.25 });
    const conv2 = factorized.find((l) => l.node === 'conv2')!;
    assert.deepEqual([conv2.rank, conv2.fullRank], [Math.ceil(0.25 * 32), 32]);
    const a = model.graph.initializers.find((t) => t.name === 'conv2.weight_lowrank_a')!;
    const b = model.graph.initializers.find((t) => t.name === 'conv2.weight_lowrank_b')!;
    assert.deepEqual(a.dims, [8, 16, 3, 3]);
    assert.deepEqual(b.dims, [32, 8, 1, 1]);
  });

  it('skips grouped convs and layers where the rank saves nothing; rankRatio 1 changes nothing', () => {
    const residual = lowRankSvd(residualModel(), { rankRatio: 0.5 });
    assert.match(residual.skipped.find((s) => s.node === 'dw')!.reason, /grouped convolution \(group 8\)/);
    const full = lowRankSvd(cnnModel(), { rankRatio: 1 });
    assert.equal(full.factorized.length, 0);
    assert.deepEqual(full.model.graph.nodes.map((n) => n.name), cnnModel().graph.nodes.map((n) => n.name));
  });

  it('names a bad rankRatio', () => {
    assert.throws(() => lowRankSvd(mlpModel(), { rankRatio: 0 }), { code: 'BAD_RECIPE', message: 'lowRank.rankRatio must be in (0, 1], got 0' });
  });
});
