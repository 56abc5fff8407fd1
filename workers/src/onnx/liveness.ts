import type { Graph } from './model.js';
import { OP_SPECS } from './ops/registry.js';
import type { InferredShapes } from './shape-inference.js';
import { bitsPerElement, elementCount } from './tensor.js';

/** Peak activation memory and the step at which it occurs. */
export interface ActivationPeak {
  /** Largest sum of live activation bytes while any one node runs. */
  readonly peakBytes: number;
  /** The node running at the peak. */
  readonly peakNode: string;
  /** Live activation bytes while each node (in execution order) runs. */
  readonly perNode: readonly number[];
}

/**
 * Peak activation memory by tensor liveness. Nodes run in `shapes.order`, one at a time; a value
 * occupies memory from the node that produces it (graph inputs: from the start) until the last
 * node that reads it has run (graph outputs: until the end). While a node runs, its inputs and its
 * outputs are all live. Views — Reshape, Flatten, Identity, Dropout — share their input's buffer.
 * Weights (initializers and Constant outputs) are not activations and are counted elsewhere.
 */
export function activationPeak(graph: Graph, shapes: InferredShapes): ActivationPeak {
  const order = shapes.order;
  const end = order.length;
  // Each activation maps to a buffer; views map to their input's buffer.
  const bufferOf = new Map<string, number>();
  const bufferBytes: number[] = [];
  const bufferStart: number[] = [];
  const bufferLastUse: number[] = [];
  const bytesOf = (name: string): number => {
    const info = shapes.values.get(name)!;
    return Math.ceil((elementCount(info.dims) * bitsPerElement(info.elemType)) / 8);
  };
  const newBuffer = (name: string, start: number): void => {
    bufferOf.set(name, bufferBytes.length);
    bufferBytes.push(bytesOf(name));
    bufferStart.push(start);
    bufferLastUse.push(start);
  };
  for (const input of graph.inputs) {
    if (!shapes.constants.has(input.name)) newBuffer(input.name, 0);
  }
  order.forEach((node, step) => {
    for (const input of node.inputs) {
      const b = bufferOf.get(input);
      if (b !== undefined) bufferLastUse[b] = Math.max(bufferLastUse[b]!, step);
    }
    if (node.opType === 'Constant') return;
    const source = bufferOf.get(node.inputs[0] ?? '');
    node.outputs.forEach((out, i) => {
      if (out === '') return;
      if (i === 0 && OP_SPECS.get(node.opType)?.aliasesInput && source !== undefined) {
        bufferOf.set(out, source);
      } else {
        newBuffer(out, step);
      }
    });
  });
  for (const output of graph.outputs) {
    const b = bufferOf.get(output.name);
    if (b !== undefined) bufferLastUse[b] = end;
  }
  const perNode = order.map((_, step) => {
    let live = 0;
    for (let b = 0; b < bufferBytes.length; b++) {
      if (bufferStart[b]! <= step && bufferLastUse[b]! >= step) live += bufferBytes[b]!;
    }
    return live;
  });
  let peakStep = 0;
  perNode.forEach((v, i) => {
    if (v > perNode[peakStep]!) peakStep = i;
  });
  return { peakBytes: perNode[peakStep] ?? 0, peakNode: order[peakStep]?.name ?? '', perNode };
}
