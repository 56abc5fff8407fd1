import { WorkersError } from '../errors.js';
import { defaultOpset, type Model, type Node, type Tensor } from './model.js';
import { checkSupported } from './check-supported.js';
import type { TensorInfo } from './ops/op-spec.js';
import { OP_SPECS } from './ops/registry.js';
import { topologicalOrder } from './topological-order.js';
import { tensorAttr } from './attributes.js';
import { floatTensor, int64Tensor } from './tensor.js';

/** Result of shape inference: every value's info, and the nodes in execution order. */
export interface InferredShapes {
  readonly values: ReadonlyMap<string, TensorInfo>;
  readonly order: readonly Node[];
  /** Values known at load time: initializers and Constant outputs. */
  readonly constants: ReadonlyMap<string, Tensor>;
  readonly batch: number;
}

export interface InferShapesOptions {
  /** Size given to a symbolic leading (batch) dimension of the graph inputs. Default 1. */
  readonly batch?: number;
}

/**
 * Infers the concrete shape of every value for a batch size (symbolic leading input dimensions
 * take `batch`; any other unknown input dimension is an error). Rejects unsupported operators
 * first, then checks each node's inputs against its operator's rules.
 */
export function inferShapes(model: Model, options: InferShapesOptions = {}): InferredShapes {
  checkSupported(model);
  const batch = options.batch ?? 1;
  const g = model.graph;
  const values = new Map<string, TensorInfo>();
  const constants = new Map<string, Tensor>();
  for (const t of g.initializers) {
    values.set(t.name, { elemType: t.dataType, dims: t.dims });
    constants.set(t.name, t);
  }
  for (const input of g.inputs) {
    if (values.has(input.name)) continue;
    if (!input.shape) throw new WorkersError('BAD_MODEL', `graph input "${input.name}" has no shape`);
    const dims = input.shape.map((d, i) => {
      if (typeof d === 'number') return d;
      if (i === 0) return batch;
      throw new WorkersError('BAD_MODEL', `graph input "${input.name}" has an unknown dimension ${i} (${d ?? '?'})`);
    });
    values.set(input.name, { elemType: input.elemType, dims });
  }
  const opset = defaultOpset(model);
  const order = topologicalOrder(g);
  for (const node of order) {
    const spec = OP_SPECS.get(node.opType)!;
    const ctx = {
      node,
      opset,
      inputs: node.inputs.map((name) => (name === '' ? undefined : values.get(name))),
      constant: (i: number) => constants.get(node.inputs[i] ?? ''),
    };
    const outputs = spec.inferShapes(ctx);
    node.outputs.forEach((name, i) => {
      if (name !== '' && outputs[i]) values.set(name, outputs[i]);
    });
    if (node.opType === 'Constant') constants.set(node.outputs[0]!, constantValue(node));
  }
  return { values, order, constants, batch };
}

function constantValue(node: Node): Tensor {
  const name = node.outputs[0]!;
  const t = tensorAttr(node, 'value');
  if (t) return { ...t, name };
  const a = node.attributes['value_float'] ?? node.attributes['value_floats'];
  if (a?.type === 'float') return floatTensor(name, [], [a.value]);
  if (a?.type === 'floats') return floatTensor(name, [a.value.length], a.value);
  const i = node.attributes['value_int'] ?? node.attributes['value_ints'];
  if (i?.type === 'int') return int64Tensor(name, [], [i.value]);
  if (i?.type === 'ints') return int64Tensor(name, [i.value.length], i.value);
  throw new WorkersError('BAD_MODEL', `Constant node "${node.name}" has no supported value`);
}
