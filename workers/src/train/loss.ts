import { WorkersError } from '../errors.js';
import type { Emitter } from './emitter.js';

/**
 * What a training graph minimises:
 * - `crossEntropy`: softmax cross-entropy against one-hot labels, averaged over the batch;
 * - `distillation` (G. Hinton, O. Vinyals, J. Dean, "Distilling the Knowledge in a Neural
 *   Network", arXiv:1503.02531, 2015, section 2):
 *   L = α·T²·KL(softmax(z_t/T) ‖ softmax(z_s/T)) + (1 − α)·CE(z_s, y). The T² keeps the soft
 *   term's gradient on the same scale as the hard term's when T changes (Hinton et al., end of §2).
 */
export type LossSpec =
  | { readonly kind: 'crossEntropy' }
  | { readonly kind: 'distillation'; readonly temperature: number; readonly alpha: number };

/** Names of the loss's inputs and outputs in a training graph. */
export interface LossValues {
  readonly loss: string;
  /** d(loss)/d(logits), the seed of the backward pass. */
  readonly dLogits: string;
}

/** Graph input of the one-hot labels [N, K]. */
export const LABELS_INPUT = 'train:labels';
/** Graph input of the teacher's logits [N, K] (distillation only). */
export const TEACHER_INPUT = 'train:teacher_logits';

/**
 * Writes the loss over `logits` [N, K] and its gradient. Both use LogSoftmax (never log of
 * softmax), which stays finite for any logits.
 */
export function emitLoss(e: Emitter, logits: string, spec: LossSpec): LossValues {
  const y = LABELS_INPUT;
  const logP = e.op('LogSoftmax', [logits], { axis: 1 });
  const ce = e.op('Neg', [e.reduce('ReduceMean', e.reduce('ReduceSum', e.op('Mul', [y, logP]), [1], false), [0], false)]);
  // 1/N at run time, so a short last batch is averaged correctly.
  const batch = e.op('Cast', [e.op('Gather', [e.op('Shape', [logits]), e.intScalar(0)], { axis: 0 })], { to: e.dtype });
  const invN = e.op('Reciprocal', [batch]);
  const dCe = e.op('Mul', [e.op('Sub', [e.op('Exp', [logP]), y]), invN]);
  switch (spec.kind) {
    case 'crossEntropy':
      return { loss: ce, dLogits: dCe };
    case 'distillation':
      return distillation(e, { logits, ce, dCe, invN, spec });
  }
}

function distillation(
  e: Emitter,
  v: { logits: string; ce: string; dCe: string; invN: string; spec: { temperature: number; alpha: number } },
): LossValues {
  const { temperature: t, alpha } = v.spec;
  if (!(t > 0)) throw new WorkersError('BAD_ARGUMENT', `temperature must be > 0, got ${t}`);
  if (!(alpha >= 0 && alpha <= 1)) throw new WorkersError('BAD_ARGUMENT', `alpha must be in [0, 1], got ${alpha}`);
  const invT = e.scalar(1 / t);
  const logPs = e.op('LogSoftmax', [e.op('Mul', [v.logits, invT])], { axis: 1 });
  const logPt = e.op('LogSoftmax', [e.op('Mul', [TEACHER_INPUT, invT])], { axis: 1 });
  const pt = e.op('Exp', [logPt]);
  const klPerImage = e.reduce('ReduceSum', e.op('Mul', [pt, e.op('Sub', [logPt, logPs])]), [1], false);
  const kl = e.reduce('ReduceMean', klPerImage, [0], false);
  const loss = e.op('Add', [e.op('Mul', [kl, e.scalar(alpha * t * t)]), e.op('Mul', [v.ce, e.scalar(1 - alpha)])]);
  // d/dz_s of T²·KL = T·(softmax(z_s/T) − softmax(z_t/T)), averaged over the batch.
  const dSoft = e.op('Mul', [e.op('Sub', [e.op('Exp', [logPs]), pt]), v.invN]);
  const dLogits = e.op('Add', [e.op('Mul', [dSoft, e.scalar(alpha * t)]), e.op('Mul', [v.dCe, e.scalar(1 - alpha)])]);
  return { loss, dLogits };
}
