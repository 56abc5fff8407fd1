import { WorkersError } from '../../errors.js';
import type { Node, Tensor } from '../../onnx/model.js';
import type { Emitter } from '../emitter.js';

/** What a rule sees while the forward pass of the training graph is written. */
export interface ForwardContext {
  readonly e: Emitter;
  readonly node: Node;
  /** Nominal shape of a forward value (batch fixed at `NOMINAL_BATCH`). */
  dims(name: string): readonly number[];
  /** Whether a value depends on a trainable parameter (so gradients flow to it). */
  requiresGrad(name: string): boolean;
  /** The value of a constant of the forward model (an initializer or a Constant output), if it is one. */
  constant(name: string): Tensor | undefined;
}

/** What a rule sees while the backward pass is written. */
export interface BackwardContext extends ForwardContext {
  /** Gradient of each output of the node; undefined where no gradient flows back. */
  readonly dY: readonly (string | undefined)[];
  /** Whether input `i` needs a gradient (it depends on a trainable parameter). */
  needs(i: number): boolean;
  /** Values the rule's own `forward` saved for the backward pass. */
  readonly saved: Readonly<Record<string, string>>;
}

/**
 * Reverse-mode rule of one operator: how to write its forward pass in a training graph (when that
 * differs from inference, e.g. BatchNormalization with batch statistics) and the ONNX nodes that
 * turn the gradients of its outputs into gradients of its inputs.
 */
export interface GradRule {
  readonly opTypes: readonly string[];
  /** Writes the training-mode forward pass; returns values to keep for `backward`. Default: copy. */
  forward?(ctx: ForwardContext): Record<string, string>;
  /** Gradients of the inputs, by input position; undefined for inputs that need none. */
  backward(ctx: BackwardContext): (string | undefined)[];
}

/**
 * Batch size the shapes of a training graph are inferred at. The graph itself keeps a symbolic
 * batch; 2 (not 1) so that a value broadcast over the batch is told apart from one that has it.
 */
export const NOMINAL_BATCH = 2;

/** An UNSUPPORTED_OP error about training through a node. */
export function cannotTrain(node: Node, why: string): WorkersError {
  return new WorkersError('UNSUPPORTED_OP', `cannot train through node "${node.name}" (${node.opType}): ${why}`, {
    node: node.name,
    opType: node.opType,
  });
}

/** The first output gradient, which single-output ops always have when their rule runs. */
export function dOut(ctx: BackwardContext): string {
  const dy = ctx.dY[0];
  if (dy === undefined) throw cannotTrain(ctx.node, 'no gradient reaches its output');
  return dy;
}
