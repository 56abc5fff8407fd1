import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder } from './graph-builder.js';
import { analyzeModel } from './analyze-model.js';
import { inferShapes } from './shape-inference.js';
import { activationPeak } from './liveness.js';
import { floatTensor, int64Tensor } from './tensor.js';
import { WorkersError } from '../errors.js';
import type { Model } from './model.js';

const zeros = (name: string, dims: number[]) => floatTensor(name, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)));
const ones = (name: string, dims: number[]) => floatTensor(name, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(1));

/**
 * input [N,1,28,28] → Conv 8×1×3×3 pad 1 → BN → Relu → MaxPool 2 → Conv depthwise 8×1×3×3 stride 2
 * → GlobalAveragePool → Flatten → Gemm 8→10.
 */
function smallCnn(): Model {
  const b = new GraphBuilder();
  const x = b.input('x', ['N', 1, 28, 28]);
  const c1 = b.node('Conv', [x, b.initializer(ones('w1', [8, 1, 3, 3])), b.initializer(zeros('b1', [8]))], { pads: [1, 1, 1, 1] }, 'conv1');
  const bn = b.node('BatchNormalization', [c1, ...['s', 'bb', 'm', 'v'].map((n) => b.initializer(ones(n, [8])))], {}, 'bn1');
  const r = b.node('Relu', [bn], {}, 'relu1');
  const p = b.node('MaxPool', [r], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool1');
  const dw = b.node('Conv', [p, b.initializer(ones('w2', [8, 1, 3, 3]))], { group: 8, strides: [2, 2], pads: [1, 1, 1, 1] }, 'dw');
  const gap = b.node('GlobalAveragePool', [dw], {}, 'gap');
  const f = b.node('Flatten', [gap], {}, 'flat');
  const y = b.node('Gemm', [f, b.initializer(ones('w3', [10, 8])), b.initializer(zeros('b3', [10]))], { transB: 1 }, 'fc');
  b.output(y, ['N', 10]);
  return b.build();
}

describe('shape inference', () => {
  it('infers every shape of a small CNN at the requested batch', () => {
    const s = inferShapes(smallCnn(), { batch: 4 });
    const dims = (n: string) => s.values.get(n)!.dims;
    assert.deepEqual(dims('conv1_out'), [4, 8, 28, 28]);
    assert.deepEqual(dims('pool1_out'), [4, 8, 14, 14]);
    // Depthwise 3×3, stride 2, pad 1 on 14: floor((14 + 2 − 3) / 2) + 1 = 7.
    assert.deepEqual(dims('dw_out'), [4, 8, 7, 7]);
    assert.deepEqual(dims('gap_out'), [4, 8, 1, 1]);
    assert.deepEqual(dims('flat_out'), [4, 8]);
    assert.deepEqual(dims('fc_out'), [4, 10]);
  });

  it('handles ceil_mode, dilations, SAME padding, Reshape with 0 and −1, Concat, MatMul broadcasting', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 3, 10, 10]);
    const p = b.node('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, 'p'); // ceil(7/2)+1 = 5
    const d = b.node('Conv', [x, b.initializer(zeros('wd', [4, 3, 3, 3]))], { dilations: [2, 2] }, 'd'); // 10 − 5 + 1 = 6
    const s = b.node('Conv', [x, b.initializer(zeros('ws', [4, 3, 3, 3]))], { auto_pad: 'SAME_UPPER', strides: [3, 3] }, 's'); // ceil(10/3) = 4
    const r = b.node('Reshape', [p, b.initializer(int64Tensor('shape', [3], [0, -1, 5]))], {}, 'r'); // [1, 15, 5]
    const c = b.node('Concat', [d, d], { axis: 1 }, 'c');
    const m = b.node('MatMul', [r, b.initializer(zeros('wm', [5, 7]))], {}, 'm');
    for (const o of [s, c, m]) b.output(o, null);
    const v = inferShapes(b.build()).values;
    assert.deepEqual(v.get('p_out')!.dims, [1, 3, 5, 5]);
    assert.deepEqual(v.get('d_out')!.dims, [1, 4, 6, 6]);
    assert.deepEqual(v.get('s_out')!.dims, [1, 4, 4, 4]);
    assert.deepEqual(v.get('r_out')!.dims, [1, 15, 5]);
    assert.deepEqual(v.get('c_out')!.dims, [1, 8, 6, 6]);
    assert.deepEqual(v.get('m_out')!.dims, [1, 15, 7]);
  });

  it('rejects mismatched channels with a message naming the node', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 3, 8, 8]);
    b.output(b.node('Conv', [x, b.initializer(zeros('w', [4, 2, 3, 3]))], {}, 'bad_conv'), null);
    assert.throws(() => inferShapes(b.build()), (e: WorkersError) => e.code === 'BAD_MODEL' && /bad_conv/.test(e.message) && /3 channels/.test(e.message));
  });

  it('rejects unknown operators, naming every op type and its nodes', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 4]);
    const a = b.node('LSTM', [x], {}, 'lstm_1');
    const g1 = b.node('Gather', [a, x], {}, 'gather_a');
    b.output(b.node('Gather', [g1, x], {}, 'gather_b'), null);
    assert.throws(
      () => inferShapes(b.build()),
      (e: WorkersError) =>
        e.code === 'UNSUPPORTED_OP' &&
        /LSTM \(node "lstm_1"\)/.test(e.message) &&
        /Gather \(nodes "gather_a", "gather_b"\)/.test(e.message),
    );
  });
});

describe('analyzeModel', () => {
  it('counts MACs and params as computed by hand', () => {
    const a = analyzeModel(smallCnn());
    const macs = (name: string) => a.nodes.find((n) => n.name === name)!.macs;
    assert.equal(macs('conv1'), 28 * 28 * 8 * 1 * 9); // 56 448
    assert.equal(macs('dw'), 7 * 7 * 8 * 1 * 9); // 3 528
    assert.equal(macs('fc'), 8 * 10);
    assert.equal(a.macs, 56448 + 3528 + 80);
    // conv1 72 + 8, BN 4·8, dw 72, fc 80 + 10.
    assert.equal(a.params, 72 + 8 + 32 + 72 + 80 + 10);
    // b1 and b3 are zeros: 18 zero parameters.
    assert.equal(a.nonzeroParams, a.params - 18);
    assert.equal(a.weightBytes, a.params * 4);
  });

  it('reports which techniques can touch each node', () => {
    const a = analyzeModel(smallCnn());
    const t = (name: string) => a.nodes.find((n) => n.name === name)!.techniques;
    assert.deepEqual(t('conv1'), ['lowRank', 'prune', 'pruneChannel', 'distill', 'quantWeights', 'quantActivations']);
    assert.ok(!t('dw').includes('lowRank'), 'depthwise convs are not factorized');
    assert.ok(!t('fc').includes('pruneChannel'), 'the classifier output layer is never channel-pruned');
    assert.ok(t('fc').includes('lowRank'));
    assert.deepEqual(t('bn1'), ['distill', 'pruneChannel']);
    assert.deepEqual(t('relu1'), []);
  });

  it('finds the activation peak by liveness, hand-computed', () => {
    // Live while each node runs (bytes, float32): x = 3136, conv1/bn1/relu1 outputs = 25 088 each.
    // bn1 runs with conv1_out (input) and bn1_out (output) live: 50 176, x already dead after conv1.
    // conv1 runs with x and conv1_out: 3136 + 25 088 = 28 224.
    const model = smallCnn();
    const peak = activationPeak(model.graph, inferShapes(model));
    assert.equal(peak.perNode[0], 3136 + 25088);
    assert.equal(peak.peakBytes, 2 * 25088);
    assert.equal(peak.peakNode, 'bn1');
  });

  it('lets views share their input buffer', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [1, 100]);
    const r = b.node('Relu', [x], {}, 'relu');
    const f = b.node('Flatten', [r], {}, 'flat');
    const y = b.node('Gemm', [f, b.initializer(zeros('w', [100, 2]))], {}, 'fc');
    b.output(y, null);
    const m = b.build();
    const peak = activationPeak(m.graph, inferShapes(m));
    // relu: x + relu_out = 800; flat is a view (no new bytes); fc: relu_out + 8 = 408.
    assert.deepEqual(peak.perNode, [800, 400, 408]);
  });
});
