import { WorkersError } from '../../errors.js';
import type { Node } from '../model.js';
import type { ShapeContext, TensorInfo } from './op-spec.js';

/** The info of a required input, or a `BAD_MODEL` error naming the node and the slot. */
export function requireInput(ctx: ShapeContext, i: number, rank?: number): TensorInfo {
  const info = ctx.inputs[i];
  if (!info) {
    throw new WorkersError('BAD_MODEL', `node "${ctx.node.name}" (${ctx.node.opType}) is missing input ${i}`);
  }
  if (rank !== undefined && info.dims.length !== rank) {
    throw new WorkersError(
      'BAD_MODEL',
      `node "${ctx.node.name}" (${ctx.node.opType}): input ${i} must have rank ${rank}, got [${info.dims.join(', ')}]`,
    );
  }
  return info;
}

/** A `BAD_MODEL` error about a node. */
export function nodeError(node: Node, message: string): WorkersError {
  return new WorkersError('BAD_MODEL', `node "${node.name}" (${node.opType}): ${message}`);
}

/** Numpy-style multidirectional broadcasting of two shapes. */
export function broadcast(node: Node, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw nodeError(node, `shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Normalizes a possibly negative axis against a rank. */
export function normalizeAxis(node: Node, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) throw nodeError(node, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function product(dims: readonly number[]): number {
  return dims.reduce((p, d) => p * d, 1);
}
