import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compress } from '../../compress/compress.js';
import { evaluateAccuracy } from '../../eval/evaluate-accuracy.js';
import { syntheticDataset } from '../../testing/compress/datasets.js';
import { runModel } from '../../testing/compress/run-ort.js';
import { analyzeModel } from '../analyze-model.js';
import { GraphBuilder } from '../graph-builder.js';
import { fixedBatch, type Model } from '../model.js';
import { readModel } from '../read-model.js';
import { floatTensor, int64Tensor } from '../tensor.js';
import { writeModel } from '../write-model.js';
import { normalizeModel } from './normalize-model.js';

const ints = (b: GraphBuilder, name: string, v: number[]) => b.initializer(int64Tensor(name, [v.length], v));
const weights = (name: string, dims: number[], seed: number) =>
  floatTensor(name, dims, Array.from({ length: dims.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(i * 0.37 + seed) * 0.2));

/** [batch,1,28,28] → Conv → Reshape to [rows, 4·26·26] (rows from `target`) → Gemm → logits. */
function reshapeModel(batch: number | string, target: (b: GraphBuilder, y: string) => string): Model {
  const b = new GraphBuilder({ opset: 13 });
  const x = b.input('input', [batch, 1, 28, 28]);
  const y = b.node('Conv', [x, b.initializer(weights('w', [4, 1, 3, 3], 1))]);
  const flat = b.node('Reshape', [y, target(b, y)]);
  b.output(b.node('Gemm', [flat, b.initializer(weights('fc', [10, 2704], 2))], { transB: 1 }), [batch, 10]);
  return b.build();
}

describe('normalizeModel', () => {
  it('folds x.view(x.size(0), -1) into a Reshape that copies the batch', () => {
    const m = normalizeModel(
      reshapeModel('N', (b, y) => {
        const n = b.node('Unsqueeze', [b.node('Gather', [b.node('Shape', [y]), ints(b, 'zero', [0])], { axis: 0 }), ints(b, 'ax', [0])]);
        return b.node('Concat', [b.node('Squeeze', [n, ints(b, 'ax0', [0])]), ints(b, 'minus1', [-1])], { axis: 0 });
      }),
    );
    assert.deepEqual(m.graph.nodes.map((n) => n.opType), ['Conv', 'Reshape', 'Gemm']);
    const target = m.graph.initializers.find((t) => t.name === m.graph.nodes[1]!.inputs[1]);
    assert.deepEqual([...target!.data], [0n, -1n]);
  });

  it('leaves shape arithmetic that scales the batch, and the unsupported Shape is named', () => {
    const model = reshapeModel('N', (b, y) => {
      const n = b.node('Mul', [b.node('Gather', [b.node('Shape', [y]), ints(b, 'zero', [0])], { axis: 0 }), ints(b, 'two', [2])]);
      return b.node('Concat', [n, ints(b, 'half', [1352])], { axis: 0 });
    });
    assert.throws(() => analyzeModel(readModel(writeModel(model))), /unsupported operators: Shape \(node "shape"\); Gather/);
  });

  it('frees a batch pinned at 1 by the input, the outputs and a Reshape target', async () => {
    const pinned = reshapeModel(1, (b) => ints(b, 'target', [1, 2704]));
    const m = normalizeModel(pinned);
    assert.equal(m.graph.inputs[0]!.shape![0], 'batch');
    assert.equal(m.graph.outputs[0]!.shape![0], 'batch');
    assert.equal(fixedBatch(m), undefined);
    const images = syntheticDataset({ count: 5, shape: [1, 28, 28], seed: 2 });
    const x = Float32Array.from(images.pixels, (p) => p / 255);
    const batch = await runModel(m, x, [5, 1, 28, 28]);
    for (let i = 0; i < 5; i++) {
      const one = await runModel(pinned, x.slice(i * 784, (i + 1) * 784), [1, 1, 28, 28]);
      assert.deepEqual([...batch.slice(i * 10, (i + 1) * 10)].map((v) => v.toFixed(4)), [...one].map((v) => v.toFixed(4)));
    }
  });

  it('keeps the batch fixed where a Reshape mixes it with features; evaluation and compression then go one image at a time', async () => {
    // [1, 4, 26, 26] → [4, 676]: the batch is folded into the rows, so it cannot be freed.
    const b = new GraphBuilder({ opset: 13 });
    const x = b.input('input', [1, 1, 28, 28]);
    const y = b.node('Conv', [x, b.initializer(weights('w', [4, 1, 3, 3], 1))]);
    const rows = b.node('Reshape', [y, ints(b, 'rows', [4, 676])]);
    const pooled = b.node('Reshape', [b.node('Gemm', [rows, b.initializer(weights('fc', [10, 676], 2))], { transB: 1 }), ints(b, 'back', [1, 40])]);
    b.output(b.node('Gemm', [pooled, b.initializer(weights('fc2', [10, 40], 3))], { transB: 1 }), [1, 10]);
    const m = readModel(writeModel(b.build()));
    assert.equal(fixedBatch(m), 1);
    const images = syntheticDataset({ count: 30, shape: [1, 28, 28], seed: 4 });
    const acc = await evaluateAccuracy(writeModel(m), images);
    assert.equal(acc.count, 30);
    const r = await compress(m, {
      distill: { temperature: 2, alpha: 0.5, epochs: 1, layers: 'all' },
      quant: { weightBits: 8, activationBits: 8, granularity: 'per-tensor', symmetric: true },
    }, { fit: images, calibrationCount: 10 });
    assert.equal(r.report.stages[0]!.details.kind, 'distill');
    const out = await runModel(r.bytes, Float32Array.from(images.pixels.slice(0, 784), (p) => p / 255), [1, 1, 28, 28]);
    assert.ok(out.length === 10 && out.every(Number.isFinite));
  });

  it('fuses a zero Pad into the AveragePool after it (padding counted), and keeps one before a pool that excludes its own padding', () => {
    const build = (ownPads: number[]) => {
      const b = new GraphBuilder({ opset: 13 });
      const x = b.input('input', ['N', 1, 8, 8]);
      const p = b.node('Pad', [x, ints(b, 'pads', [0, 0, 1, 1, 0, 0, 1, 1])]);
      b.output(b.node('AveragePool', [p], { kernel_shape: [3, 3], pads: ownPads }), ['N', 1, 8, 8]);
      return normalizeModel(b.build());
    };
    const fused = build([0, 0, 0, 0]);
    assert.deepEqual(fused.graph.nodes.map((n) => n.opType), ['AveragePool']);
    assert.deepEqual(fused.graph.nodes[0]!.attributes['pads'], { type: 'ints', value: [1, 1, 1, 1] });
    assert.deepEqual(fused.graph.nodes[0]!.attributes['count_include_pad'], { type: 'int', value: 1 });
    assert.deepEqual(build([1, 1, 1, 1]).graph.nodes.map((n) => n.opType), ['Pad', 'AveragePool']);
  });
});
