import { DataType, realInputs, type Model, type Node, type Tensor, type ValueInfo } from '../model.js';
import { inferShapes, type InferredShapes } from '../shape-inference.js';
import { int64Tensor, toNumbers } from '../tensor.js';
import { dropDeadNodes, freshNamer } from './graph-utils.js';

/** The symbolic batch dimension a freed model's inputs and outputs get. */
export const BATCH_DIM = 'batch';

/**
 * Frees the batch of a model exported with it fixed at 1 (`torch.onnx.export`'s default): the data
 * inputs and the outputs get a symbolic leading dimension, and each Reshape whose constant target
 * pins the batch at 1 copies it instead (target 0). The result is kept only when every activation
 * carries the batch on axis 0 at batch 1 and at batch 3 alike; otherwise the model is returned
 * unchanged and runs one image at a time.
 */
export function freeBatch(model: Model): Model {
  const g = model.graph;
  const inputs = realInputs(g);
  if (inputs.length === 0 || !inputs.every((i) => i.shape?.[0] === 1)) return model;
  const at1 = tryInfer(model, 1);
  if (!at1) return model;
  const fresh = freshNamer(g);
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const added: Tensor[] = [];
  const nodes = g.nodes.map((n): Node => {
    const target = n.opType === 'Reshape' ? inits.get(n.inputs[1] ?? '') : undefined;
    if (!target || target.dataType !== DataType.INT64 || at1.values.get(n.inputs[0]!)?.dims[0] !== 1) return n;
    const t = Array.from(toNumbers(target));
    if (t[0] !== 1 || n.attributes['allowzero']?.value === 1) return n;
    const copy = int64Tensor(fresh(`${target.name}_batch`), target.dims, [0, ...t.slice(1)]);
    added.push(copy);
    return { ...n, inputs: [n.inputs[0]!, copy.name, ...n.inputs.slice(2)] };
  });
  const free = (v: ValueInfo): ValueInfo => (v.shape?.[0] === 1 ? { ...v, shape: [BATCH_DIM, ...v.shape.slice(1)] } : v);
  const dataNames = new Set(inputs.map((i) => i.name));
  const graph = dropDeadNodes({
    ...g,
    nodes,
    initializers: [...g.initializers, ...added],
    inputs: g.inputs.map((i) => (dataNames.has(i.name) ? free(i) : i)),
    outputs: g.outputs.map(free),
    valueInfo: [],
  });
  const candidate = { ...model, graph };
  const at3 = tryInfer(candidate, 3);
  return at3 && batchLeads(at1, at3) ? candidate : model;
}

function tryInfer(model: Model, batch: number): InferredShapes | undefined {
  try {
    return inferShapes(model, { batch });
  } catch {
    return undefined;
  }
}

/** Whether every non-constant value has the batch as its leading dimension in both inferences. */
function batchLeads(at1: InferredShapes, at3: InferredShapes): boolean {
  for (const [name, info] of at3.values) {
    if (at3.constants.has(name)) continue;
    if (info.dims[0] !== 3 || at1.values.get(name)?.dims[0] !== 1) return false;
  }
  return true;
}
