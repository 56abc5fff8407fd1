// Gradient checks: every rule against central differences of the training graph's own loss.
//
// Precision: onnxruntime's CPU kernels run Gemm, MatMul, MaxPool, the element-wise ops and the
// reductions in float64, so those checks are built in DOUBLE (h = 1e-6; the difference quotient is
// exact to ~1e-9, and any indexing or formula error shows up at 1e-2 or more). Conv,
// ConvTranspose, AveragePool and GlobalAveragePool exist only for float32 there; those checks run
// in FLOAT with h = 1e-2. Those graphs are linear up to the smooth softmax loss, so the truncation
// error is O(h²) ≈ 1e-5, and float32 rounding of a loss of ~2 adds ~2e-7 / (2h) = 1e-5: a tolerance
// of 2e-4 + 1e-2·|g| is twenty times that, and still a thousand times smaller than a wrong index.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DataType } from '../../onnx/model.js';
import { gradientCheck, mismatches } from '../../testing/train/grad-check.js';
import { tinyCase, type TinyBuild } from '../../testing/train/tiny-models.js';
import type { FloatType } from '../emitter.js';
import type { LossSpec } from '../loss.js';

const DOUBLE = { dtype: DataType.DOUBLE as FloatType, h: 1e-6, atol: 1e-7, rtol: 1e-5 };
const FLOAT = { dtype: DataType.FLOAT as FloatType, h: 1e-2, atol: 2e-4, rtol: 1e-2 };

async function check(
  precision: typeof DOUBLE,
  input: readonly number[],
  build: (t: TinyBuild) => string,
  loss: LossSpec = { kind: 'crossEntropy' },
  fixedBatch = false,
  data: 'normal' | 'spread' = 'normal',
): Promise<void> {
  const c = tinyCase({ dtype: precision.dtype, input, seed: 7, build, fixedBatch, data });
  const pairs = await gradientCheck({ ...c, loss, h: precision.h });
  assert.ok(pairs.length > 0);
  assert.ok(pairs.some((p) => Math.abs(p.numeric) > 1e-4), 'the check must see non-zero gradients');
  const bad = mismatches(pairs, precision.atol, precision.rtol);
  assert.deepEqual(bad.slice(0, 5), [], `${bad.length} of ${pairs.length} gradients disagree`);
}

describe('gradient rules match finite differences', () => {
  it('Conv, group 1, stride 2, asymmetric pads, bias', () =>
    check(FLOAT, [2, 3, 7, 7], ({ b, x, param }) =>
      b.node('Conv', [x, param('w', [4, 3, 3, 3]), param('bias', [4])], { strides: [2, 2], pads: [1, 0, 1, 2] })));
  it('Conv, dilation 2, windows that skip trailing rows', () =>
    check(FLOAT, [2, 2, 8, 8], ({ b, x, param }) =>
      b.node('Conv', [x, param('w', [3, 2, 3, 2])], { strides: [2, 3], dilations: [2, 1] })));
  it('Conv, depthwise (group = channels)', () =>
    check(FLOAT, [2, 4, 6, 6], ({ b, x, param }) =>
      b.node('Conv', [x, param('w', [4, 1, 3, 3]), param('bias', [4])], { group: 4, pads: [1, 1, 1, 1] })));
  it('Conv, 2 groups with 3 outputs each, stride 2', () =>
    check(FLOAT, [2, 4, 5, 5], ({ b, x, param }) =>
      b.node('Conv', [x, param('w', [6, 2, 3, 3])], { group: 2, strides: [2, 2], pads: [1, 1, 1, 1] })));
  it('AveragePool, overlapping, pads excluded from the divisor', () =>
    check(FLOAT, [2, 2, 5, 5], ({ b, x }) => b.node('AveragePool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] })));
  it('AveragePool, pads counted, ceil_mode', () =>
    check(FLOAT, [2, 2, 6, 6], ({ b, x }) =>
      b.node('AveragePool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 0, 0], count_include_pad: 1, ceil_mode: 1 })));
  it('GlobalAveragePool', () => check(FLOAT, [2, 3, 4, 5], ({ b, x }) => b.node('GlobalAveragePool', [x])));
  it('MaxPool, overlapping windows, pads, ceil_mode', () =>
    check(DOUBLE, [2, 2, 6, 6], ({ b, x }) =>
      b.node('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 0, 0], ceil_mode: 1 })));
  it('MaxPool, tiling windows (MaxUnpool)', () =>
    // MaxUnpool runs only in float32: the data are spread so that no window's maximum changes.
    check(FLOAT, [2, 3, 4, 6], ({ b, x }) => b.node('MaxPool', [x], { kernel_shape: [2, 3], strides: [2, 3] }), undefined, false, 'spread'));
  it('Gemm, transB, bias [K]', () =>
    check(DOUBLE, [3, 5], ({ b, x, param }) => b.node('Gemm', [x, param('w', [4, 5]), param('bias', [4])], { transB: 1 })));
  it('Gemm, no transposes, alpha, beta, bias [1, K]', () =>
    check(DOUBLE, [3, 5], ({ b, x, param }) => b.node('Gemm', [x, param('w', [5, 4]), param('bias', [1, 4])], { alpha: 0.7, beta: 1.5 })));
  it('Gemm, both transposed, weight on the left', () =>
    check(DOUBLE, [3, 5], ({ b, x, param }) => b.node('Gemm', [param('w', [5, 4]), x, param('bias', [4, 1])], { transA: 1, transB: 1 }), undefined, true));
  it('Gemm, transA only (rows are not images)', () =>
    check(DOUBLE, [3, 5], ({ b, x, param }) => b.node('Gemm', [param('w', [3, 4]), x], { transA: 1, alpha: 1.3 }), undefined, true));
  it('MatMul, 2-D and 3-D left operands', async () => {
    await check(DOUBLE, [3, 5], ({ b, x, param }) => b.node('MatMul', [x, param('w', [5, 4])]));
    await check(DOUBLE, [2, 3, 5], ({ b, x, param }) => b.node('MatMul', [x, param('w', [5, 4])]));
  });
  it('Add and Mul with broadcasting both ways', () =>
    check(DOUBLE, [2, 3, 2, 2], ({ b, x, param }) => {
      const y = b.node('Mul', [x, param('scale', [3, 1, 1])]);
      return b.node('Add', [param('shift', [1, 1, 2]), y]);
    }));
  it('Relu, Clip and Sigmoid', () =>
    check(DOUBLE, [3, 8], ({ b, x, constant }) => {
      const r = b.node('Relu', [x]);
      const c = b.node('Clip', [x, constant('lo', [], [-0.5]), constant('hi', [], [0.6])]);
      const s = b.node('Sigmoid', [x]);
      return b.node('Concat', [r, c, s], { axis: 1 });
    }));
  it('HardSigmoid and HardSwish (ramps and flat parts)', () =>
    check(FLOAT, [3, 8], ({ b, x, param }) => {
      const wide = b.node('Mul', [x, param('gain', [8], 1, 3)]);
      const hs = b.node('HardSigmoid', [wide], { alpha: 0.3, beta: 0.4 });
      return b.node('Concat', [hs, b.node('HardSwish', [wide])], { axis: 1 });
    }));
  it('Reshape, Transpose (a non-involutive perm), Reshape, then Slice halves', () =>
    check(DOUBLE, [2, 4, 2, 3], ({ b, x }) => {
      const int64 = (name: string, v: bigint[]) => b.initializer({ name, dataType: DataType.INT64, dims: [v.length], data: BigInt64Array.from(v) });
      const split = b.node('Reshape', [x, int64('five', [0n, 2n, 2n, 2n, 3n])]);
      const shuffled = b.node('Reshape', [b.node('Transpose', [split], { perm: [0, 3, 1, 2, 4] }), int64('four', [0n, -1n, 2n, 3n])]);
      const half = b.node('Slice', [shuffled, int64('starts', [1n, 1n]), int64('ends', [3n, 100n]), int64('axes', [1n, 3n])]);
      return b.node('Concat', [half, b.node('Slice', [shuffled, int64('s2', [0n]), int64('e2', [2n]), int64('a2', [1n])])], { axis: 3 });
    }));
  it('Pad (constant zeros, uneven)', () =>
    check(DOUBLE, [2, 2, 3, 3], ({ b, x, param }) => {
      const pads = b.initializer({ name: 'pads', dataType: DataType.INT64, dims: [8], data: BigInt64Array.from([0n, 0n, 1n, 0n, 0n, 0n, 2n, 1n]) });
      return b.node('Mul', [b.node('Pad', [x, pads]), param('w', [2, 6, 4])]);
    }));
  it('Softmax inside the graph', () =>
    check(DOUBLE, [3, 6], ({ b, x, param }) => b.node('Mul', [b.node('Softmax', [x], { axis: 1 }), param('w', [6], 1, 1)])));
  it('Flatten and Reshape', () =>
    check(DOUBLE, [2, 2, 3, 2], ({ b, x, param, constant }) => {
      const f = b.node('Reshape', [x, b.initializer({ name: 'shape', dataType: DataType.INT64, dims: [2], data: BigInt64Array.of(0n, -1n) })]);
      void constant;
      return b.node('Gemm', [b.node('Flatten', [f]), param('w', [12, 5])]);
    }));
  it('Identity and Dropout (inert while training)', () =>
    check(DOUBLE, [3, 4], ({ b, x, param }) => b.node('Mul', [b.node('Dropout', [b.node('Identity', [x])]), param('w', [4])])));
  it('names the node and operator it cannot differentiate', async () => {
    const c = tinyCase({
      dtype: DataType.FLOAT,
      input: [2, 3],
      seed: 1,
      build: ({ b, x, constant }) => b.node('QuantizeLinear', [x, constant('scale', [], [0.1])], {}, 'q'),
    });
    await assert.rejects(gradientCheck({ ...c, loss: { kind: 'crossEntropy' }, h: 1e-2 }), /cannot train through node "q" \(QuantizeLinear\)/);
  });
  it('BatchNormalization, training mode, 4-D and 2-D', async () => {
    const bn = (t: TinyBuild, c: number) => [t.param(`g${c}`, [c], 0.3, 1), t.param(`b${c}`, [c]), t.constant(`m${c}`, [c], Array(c).fill(0)), t.constant(`v${c}`, [c], Array(c).fill(1))];
    await check(DOUBLE, [3, 2, 3, 3], (t) => t.b.node('BatchNormalization', [t.x, ...bn(t, 2)], { epsilon: 1e-3 }));
    await check(DOUBLE, [4, 5], (t) => t.b.node('BatchNormalization', [t.x, ...bn(t, 5)]));
  });
  it('BatchNormalization, frozen (inference mode)', () =>
    check(DOUBLE, [3, 2, 2, 2], (t) =>
      t.b.node('BatchNormalization', [t.x, t.constant('g', [2], [1.5, 0.5]), t.constant('b', [2], [0.1, -0.2]), t.constant('m', [2], [0.3, -0.1]), t.constant('v', [2], [2, 0.5])])));
  it('distillation loss, α = 0.7, T = 3', () =>
    check(DOUBLE, [4, 6], ({ b, x, param }) => b.node('Gemm', [x, param('w', [6, 5])]), { kind: 'distillation', temperature: 3, alpha: 0.7 }));
  it('distillation loss, pure soft targets (α = 1), T = 1', () =>
    check(DOUBLE, [4, 6], ({ b, x, param }) => b.node('Gemm', [x, param('w', [6, 5])]), { kind: 'distillation', temperature: 1, alpha: 1 }));
});
