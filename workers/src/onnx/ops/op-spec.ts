import type { DataType, Node, Tensor } from '../model.js';

/** A value's element type and concrete shape (batch size fixed by the analysis). */
export interface TensorInfo {
  readonly elemType: DataType;
  readonly dims: readonly number[];
}

/** What an operator's shape function sees. */
export interface ShapeContext {
  readonly node: Node;
  /** Input infos in order; undefined for omitted optional inputs. */
  readonly inputs: readonly (TensorInfo | undefined)[];
  /** The constant value of input `i` (an initializer or a Constant output), if it is constant. */
  constant(i: number): Tensor | undefined;
  readonly opset: number;
}

/** The compression techniques a node can be touched by. */
export type Technique = 'lowRank' | 'prune' | 'pruneChannel' | 'distill' | 'quantWeights' | 'quantActivations';

/** Shape and cost rules of one supported operator. */
export interface OpSpec {
  readonly opType: string;
  /** Output infos, in output order. Throws `BAD_MODEL` for inputs the operator cannot take. */
  inferShapes(ctx: ShapeContext): TensorInfo[];
  /** Multiply-accumulates for one execution at these shapes; 0 for ops without products. */
  macs(ctx: ShapeContext, outputs: readonly TensorInfo[]): number;
  /** Whether the output may share its input's buffer (a view: reshape, identity). */
  readonly aliasesInput?: boolean;
}
