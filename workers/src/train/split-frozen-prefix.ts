import { WorkersError } from '../errors.js';
import { fixedBatch, realInputs, type Model, type Node, type ValueInfo } from '../onnx/model.js';
import { inferShapes } from '../onnx/shape-inference.js';

/** A model cut where training starts: a frozen prefix (run once) and the suffix that trains. */
export interface FrozenSplit {
  /** Data inputs → boundary values; absent when the first node already trains. */
  readonly prefix?: Model;
  /** Boundary values → the model's outputs; its inputs are the boundary values. */
  readonly suffix: Model;
  /** Boundary values with their per-image shape (without the batch axis). */
  readonly boundary: readonly { readonly name: string; readonly dims: readonly number[] }[];
}

/**
 * Splits a model at the first node that depends on a trainable parameter. Nodes that depend on
 * the data but on no trainable parameter form the prefix: their outputs cannot change while
 * training, so they are computed once per image and cached (when inputs are not augmented).
 */
export function splitFrozenPrefix(model: Model, trainable: readonly string[]): FrozenSplit {
  const g = model.graph;
  const shapes = inferShapes(model, { batch: 1 });
  const data = new Set(realInputs(g).map((i) => i.name));
  const grad = new Set(trainable);
  const frozen: Node[] = [];
  const rest: Node[] = [];
  for (const node of shapes.order) {
    const trains = node.inputs.some((i) => grad.has(i));
    const fromData = node.inputs.some((i) => data.has(i));
    if (trains) node.outputs.forEach((o) => grad.add(o));
    if (fromData && !trains) {
      node.outputs.forEach((o) => data.add(o));
      frozen.push(node);
    } else {
      rest.push(node);
    }
  }
  const consumed = new Set(rest.flatMap((n) => n.inputs).concat(g.outputs.map((o) => o.name)));
  const boundaryNames = [...data].filter((v) => consumed.has(v));
  if (g.outputs.some((o) => data.has(o.name) && !grad.has(o.name))) {
    throw new WorkersError('BAD_ARGUMENT', 'no trainable parameter reaches the model output: nothing would train');
  }
  // A batch that stays fixed (it could not be freed on load) stays fixed on both sides of the cut.
  const batch = fixedBatch(model) ?? 'N';
  const info = (name: string): ValueInfo => {
    const t = shapes.values.get(name)!;
    return { name, elemType: t.elemType, shape: [batch, ...t.dims.slice(1)] };
  };
  const boundary = boundaryNames.map((name) => ({ name, dims: shapes.values.get(name)!.dims.slice(1) }));
  const used = (nodes: readonly Node[]) => new Set(nodes.flatMap((n) => n.inputs));
  const sub = (nodes: Node[], inputs: ValueInfo[], outputs: readonly ValueInfo[], name: string): Model => {
    const u = used(nodes);
    return { ...model, graph: { ...g, name, nodes, inputs, outputs: [...outputs], initializers: g.initializers.filter((t) => u.has(t.name)), valueInfo: [] } };
  };
  const suffix = sub(rest, boundaryNames.map(info), g.outputs, `${g.name}:suffix`);
  if (frozen.length === 0) return { suffix, boundary };
  return { prefix: sub(frozen, realInputs(g), boundaryNames.map(info), `${g.name}:prefix`), suffix, boundary };
}
