// The value of the training losses against a direct computation on a few logits, apart from the
// gradient checks (those compare the graph's gradient with its own loss, so a loss that is wrong
// but consistent with its gradient — a missing T², say — passes them).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DataType } from '../onnx/model.js';
import type { LossSpec } from './loss.js';
import { createSession, runSession } from './ort-session.js';
import { tinyCase } from '../testing/train/tiny-models.js';
import { buildTrainingGraph } from './training-graph.js';

/** log softmax of one row at temperature t, in float64. */
function logSoftmax(z: readonly number[], t: number): number[] {
  const s = z.map((v) => v / t);
  const max = Math.max(...s);
  const log = Math.log(s.reduce((a, v) => a + Math.exp(v - max), 0)) + max;
  return s.map((v) => v - log);
}

/**
 * Hinton, Vinyals and Dean, "Distilling the Knowledge in a Neural Network" (2015), §2:
 * L = α·T²·mean_i KL(softmax(z_t/T) ‖ softmax(z_s/T)) + (1 − α)·mean_i CE(softmax(z_s), y).
 */
function directLoss(o: { student: number[][]; teacher: number[][]; labels: number[][]; temperature: number; alpha: number }): number {
  const { temperature: t, alpha } = o;
  let kl = 0;
  let ce = 0;
  o.student.forEach((zs, i) => {
    const logPs = logSoftmax(zs, t);
    const logPt = logSoftmax(o.teacher[i]!, t);
    kl += logPt.reduce((a, lt, k) => a + Math.exp(lt) * (lt - logPs[k]!), 0);
    ce -= logSoftmax(zs, 1).reduce((a, lp, k) => a + o.labels[i]![k]! * lp, 0);
  });
  const n = o.student.length;
  return alpha * t * t * (kl / n) + (1 - alpha) * (ce / n);
}

const rows = (data: ArrayLike<number>, width: number): number[][] =>
  Array.from({ length: data.length / width }, (_, i) => Array.from({ length: width }, (_, k) => data[i * width + k]!));

/** The training graph's loss on a model whose logits are its (offset) input. */
async function graphLoss(loss: LossSpec): Promise<{ value: number; expected: (t: number, alpha: number) => number }> {
  const c = tinyCase({ dtype: DataType.DOUBLE, input: [4, 5], seed: 3, build: ({ b, x }) => b.node('Identity', [x]) });
  const graph = buildTrainingGraph({ model: c.model, trainable: c.trainable, loss });
  const offset = c.model.graph.initializers.find((t) => t.name === 'offset')!.data as Float64Array;
  const session = await createSession(graph.model);
  try {
    const feeds = { ...c.data, [graph.labels]: c.labels, ...(graph.teacherLogits ? { [graph.teacherLogits]: c.teacher } : {}), offset: { data: offset, dims: [1, 5] } };
    const value = (await runSession(session, feeds, [graph.loss]))[graph.loss]![0]!;
    const student = rows(c.data['data']!.data, 5).map((r) => r.map((v, k) => v + offset[k]!));
    const common = { student, teacher: rows(c.teacher.data, 5), labels: rows(c.labels.data, 5) };
    return { value, expected: (temperature, alpha) => directLoss({ ...common, temperature, alpha }) };
  } finally {
    await session.release();
  }
}

describe('training losses, by direct computation', () => {
  for (const [temperature, alpha] of [[4, 0.7], [1, 1], [2.5, 0]] as const) {
    it(`distillation at T = ${temperature}, α = ${alpha}`, async () => {
      const { value, expected } = await graphLoss({ kind: 'distillation', temperature, alpha });
      // float64 throughout: agreement to rounding, while a missing T² factor is off by T².
      assert.ok(Math.abs(value - expected(temperature, alpha)) < 1e-12 * Math.max(1, Math.abs(value)), `${value} vs ${expected(temperature, alpha)}`);
    });
  }

  it('cross-entropy is the distillation loss with α = 0', async () => {
    const { value, expected } = await graphLoss({ kind: 'crossEntropy' });
    assert.ok(Math.abs(value - expected(1, 0)) < 1e-12 * Math.max(1, value), `${value} vs ${expected(1, 0)}`);
  });
});
