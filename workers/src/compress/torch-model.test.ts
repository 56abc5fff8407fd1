// A model from another tool: compress a PyTorch export (fixtures/torch-resnet.onnx, see
// fixtures/export-torch-resnet.py) by every technique and check each result in onnxruntime.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fillBatch } from '../data/dataset.js';
import type { FloatTensor, Model } from '../onnx/model.js';
import { floatTensor } from '../onnx/tensor.js';
import { readModel } from '../onnx/read-model.js';
import { compress } from './compress.js';
import { lowRankSvd } from './low-rank-svd.js';
import { constantsToInitializers, nameNodes } from './graph/edit.js';
import { pruneChannels } from './prune-channels.js';
import { syntheticDataset } from '../testing/compress/datasets.js';
import { maskedOriginal } from '../testing/compress/masked-original.js';
import { simulatedReference } from '../testing/compress/quant-reference.js';
import { maxAbs, maxAbsDiff, optimizedOpTypes, runModel } from '../testing/compress/run-ort.js';

const torchModel = (): Model => readModel(readFileSync(new URL('../../src/compress/fixtures/torch-resnet.onnx', import.meta.url)));
const images = syntheticDataset({ count: 300, shape: [1, 28, 28], seed: 8 });
const input = fillBatch(images, Array.from({ length: 40 }, (_, i) => 200 + i));
const DIMS = [40, 1, 28, 28];

describe('compressing a PyTorch-exported model', () => {
  it('channel pruning couples the residual block, keeps the classifier, and computes the masked original', async () => {
    const model = constantsToInitializers(nameNodes(torchModel()));
    const r = pruneChannels(model, { ratio: 0.5 });
    // The stem and the block's first conv meet at the residual Add (the depthwise conv between
    // them follows the channels); the last Gemm is the classifier.
    assert.deepEqual(
      r.groups.map((g) => [...g.producers]),
      [['/stem/stem.0/Conv', '/block/conv1/Conv'], ['/head/head.0/Conv'], ['/fc1/Gemm']],
    );
    assert.deepEqual(r.blocked, [{ producers: ['/fc2/Gemm'], reason: '"/fc2/Gemm" is a classifier output layer' }]);
    const want = await runModel(maskedOriginal(model, r.groups), input, DIMS);
    const got = await runModel(r.model, input, DIMS);
    assert.ok(maxAbsDiff(got, want) <= 1e-5 * Math.max(1, maxAbs(want)));
  });

  it('static int8 fuses every conv (depthwise and ReLU6 included), the Add and the Gemms into integer kernels', async () => {
    const r = await compress(torchModel(), { quant: { weightBits: 8, activationBits: 8, granularity: 'per-channel', symmetric: true } }, { fit: images, calibrationCount: 200 });
    const ops = await optimizedOpTypes(readModel(r.bytes));
    assert.equal(ops.filter((o) => o === 'com.microsoft:QLinearConv').length, 4);
    assert.equal(ops.filter((o) => o === 'com.microsoft:QGemm').length, 2);
    assert.ok(ops.includes('com.microsoft:QLinearAdd'));
    assert.ok(!ops.some((o) => o === 'Conv' || o === 'Gemm' || o === 'Add'), ops.join(' '));
    const [want, got] = [await runModel(torchModel(), input, DIMS), await runModel(r.bytes, input, DIMS)];
    assert.ok(maxAbsDiff(want, got) < 0.05 * maxAbs(want));
  });

  for (const [bits, granularity, symmetric] of [[4, 'per-channel', true], [3, 'per-tensor', false]] as const) {
    it(`${bits}-bit ${granularity} weights: onnxruntime computes the model with weights r = s(q − z)`, async () => {
      const r = await compress(torchModel(), { quant: { weightBits: bits, activationBits: 32, granularity, symmetric } });
      const reference = simulatedReference(constantsToInitializers(nameNodes(torchModel())), bits, symmetric, granularity === 'per-channel');
      const [got, want] = [await runModel(r.bytes, input, DIMS), await runModel(reference, input, DIMS)];
      assert.ok(maxAbsDiff(got, want) <= 1e-5 * Math.max(1, maxAbs(want)), `diff ${maxAbsDiff(got, want)}`);
      assert.ok(r.report.after.deployBytes < r.report.before.deployBytes / 6);
    });
  }

  it('unstructured pruning, 70 % per layer: each weight tensor loses exactly its round(0.7·n) smallest |w|, and onnxruntime computes that model', async () => {
    const original = constantsToInitializers(nameNodes(torchModel()));
    const r = await compress(torchModel(), { prune: { ratio: 0.7, structure: 'unstructured', scope: 'layer' } });
    // The reference, written from the definition: in every Conv/Gemm/MatMul weight, sort |w|
    // (ties by position) and zero the first round(0.7·n).
    const weights = new Set(original.graph.nodes.filter((n) => ['Conv', 'Gemm', 'MatMul'].includes(n.opType)).map((n) => n.inputs[1]!));
    const initializers = original.graph.initializers.map((t) => {
      if (!weights.has(t.name)) return t;
      const w = (t as FloatTensor).data;
      const order = Array.from(w.keys()).sort((a, b) => Math.abs(w[a]!) - Math.abs(w[b]!) || a - b);
      const data = w.slice();
      for (const i of order.slice(0, Math.round(0.7 * w.length))) data[i] = 0;
      return floatTensor(t.name, t.dims, data);
    });
    assert.equal(weights.size, 6);
    const reference: Model = { ...original, graph: { ...original.graph, initializers } };
    const [got, want] = [await runModel(r.bytes, input, DIMS), await runModel(reference, input, DIMS)];
    assert.ok(maxAbsDiff(got, want) <= 1e-5 * Math.max(1, maxAbs(want)), `diff ${maxAbsDiff(got, want)}`);
    const pruned = readModel(r.bytes).graph.initializers.filter((t) => weights.has(t.name));
    assert.equal(pruned.length, weights.size);
    for (const t of pruned) {
      const zeros = (t as FloatTensor).data.filter((v) => v === 0).length;
      assert.equal(zeros, Math.round(0.7 * t.data.length), t.name);
    }
    assert.ok(r.report.after.deployBytes < r.report.before.deployBytes);
  });

  it('low rank ½: every factorized weight is its best rank-r approximation (Eckart–Young, checked with an independent eigensolver) and onnxruntime computes the model with W = L·R', async () => {
    const original = constantsToInitializers(nameNodes(torchModel()));
    const r = lowRankSvd(original, { rankRatio: 0.5 });
    assert.ok(r.factorized.length >= 3, JSON.stringify(r.skipped));
    const inits = new Map(r.model.graph.initializers.map((t) => [t.name, t as FloatTensor]));
    const approximated = new Map<string, FloatTensor>();
    for (const layer of r.factorized) {
      const node = original.graph.nodes.find((n) => n.name === layer.node)!;
      const w = original.graph.initializers.find((t) => t.name === node.inputs[1])! as FloatTensor;
      const rows = w.dims[0]!;
      const cols = w.data.length / rows;
      // The two new layers' weights; the one with `rows` leading rows is L (rows × r), the other R.
      const factors = r.model.graph.nodes.filter((n) => n.name.startsWith(`${layer.node}_lowrank_`)).map((n) => inits.get(n.inputs[1]!)!);
      assert.equal(factors.length, 2, layer.node);
      const left = factors.find((t) => t.dims[0] === rows)!;
      const right = factors.find((t) => t !== left)!;
      const rank = left.data.length / rows;
      assert.equal(rank, Math.ceil(0.5 * Math.min(rows, cols)), layer.node);
      assert.equal(right.data.length, rank * cols, layer.node);
      const product = new Float32Array(rows * cols);
      for (let i = 0; i < rows; i++) {
        for (let k = 0; k < rank; k++) {
          const l = left.data[i * rank + k]!;
          for (let j = 0; j < cols; j++) product[i * cols + j]! += l * right.data[k * cols + j]!;
        }
      }
      let error = 0;
      let total = 0;
      for (let i = 0; i < w.data.length; i++) {
        error += (w.data[i]! - product[i]!) ** 2;
        total += w.data[i]! ** 2;
      }
      // Eckart–Young–Mirsky: the best rank-r error² is the sum of the squared singular values past r.
      const squared = symmetricEigenvalues(gram(w.data, rows, cols)).sort((a, b) => b - a);
      const tail = squared.slice(rank).reduce((a, b) => a + Math.max(0, b), 0);
      assert.ok(Math.abs(error - tail) <= 1e-5 * total, `${layer.node}: ‖W − L·R‖² ${error}, optimum ${tail}, ‖W‖² ${total}`);
      approximated.set(w.name, floatTensor(w.name, w.dims, product));
    }
    const reference: Model = { ...original, graph: { ...original.graph, initializers: original.graph.initializers.map((t) => approximated.get(t.name) ?? t) } };
    const [got, want] = [await runModel(r.model, input, DIMS), await runModel(reference, input, DIMS)];
    assert.ok(maxAbsDiff(got, want) <= 1e-4 * Math.max(1, maxAbs(want)), `diff ${maxAbsDiff(got, want)}`);
    const compressed = await compress(torchModel(), { lowRank: { rankRatio: 0.5 } });
    assert.ok(maxAbsDiff(await runModel(compressed.bytes, input, DIMS), got) <= 1e-5 * Math.max(1, maxAbs(got)));
    assert.ok(compressed.report.after.deployBytes < compressed.report.before.deployBytes);
  });
});

/** W·Wᵀ (or Wᵀ·W, whichever is smaller) of a row-major rows × cols matrix, in float64. */
function gram(w: Float32Array, rows: number, cols: number): Float64Array[] {
  const byRows = rows <= cols;
  const n = byRows ? rows : cols;
  const at = (i: number, j: number) => (byRows ? w[i * cols + j]! : w[j * cols + i]!);
  const inner = byRows ? cols : rows;
  return Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let k = 0; k < inner; k++) s += at(i, k) * at(j, k);
    return s;
  }));
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan, §8.5). */
function symmetricEigenvalues(a: Float64Array[]): number[] {
  const n = a.length;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (apq === 0) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.hypot(theta, 1));
        const c = 1 / Math.hypot(t, 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const [akp, akq] = [a[k]![p]!, a[k]![q]!];
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const [apk, aqk] = [a[p]![k]!, a[q]![k]!];
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((row, i) => row[i]!);
}
