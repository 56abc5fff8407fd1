import { defaultOpset, type Model, type Node, type Tensor } from '../model.js';
import { OP_SPECS } from '../ops/registry.js';
import type { TensorInfo } from '../ops/op-spec.js';
import { topologicalOrder } from '../topological-order.js';
import { elementCount } from '../tensor.js';
import { evalConstNode, FOLDABLE, fromTensor, toTensor, type ConstValue } from './const-eval.js';
import { dropDeadNodes, freshNamer } from './graph-utils.js';

/** Constants larger than this are weights, never shape arithmetic: not folded. */
const MAX_FOLDED = 4096;

/** What one walk over the graph at one batch size found. */
interface Walk {
  readonly consts: Map<string, ConstValue>;
  readonly infos: Map<string, TensorInfo>;
  readonly folded: Set<Node>;
}

/**
 * Folds the shape arithmetic exporters write (PyTorch's `x.view(x.size(0), -1)` becomes
 * Shape → Gather → Unsqueeze → Concat → Reshape; `chunk` becomes Shape/Gather/Div/Mul → Slice; a
 * ZeroPad2d's pads come out of ConstantOfShape/Concat/Reshape/Slice/Transpose/Cast) into constants.
 * The graph is evaluated at two batch sizes: a value equal in both is a constant; a Reshape target
 * that differs only where it copies the batch gets 0 there (ONNX: copy the input's dimension), so the
 * model keeps a free batch. Anything else is left as it is (and named later if unsupported).
 */
export function foldShapes(model: Model): Model {
  const g = model.graph;
  const order = topologicalOrder(g);
  const a = walk(model, order, 1);
  const b = walk(model, order, 3);
  const users = new Map<string, Node[]>();
  for (const n of g.nodes) for (const i of n.inputs) if (i !== '') users.set(i, [...(users.get(i) ?? []), n]);
  const fresh = freshNamer(g);
  const added: Tensor[] = [];
  const replaced = new Map<Node, Map<number, string>>();
  for (const node of a.folded) {
    if (node.opType === 'Constant' || !b.folded.has(node)) continue;
    for (const out of node.outputs) {
      for (const user of users.get(out) ?? []) {
        if (a.folded.has(user) && b.folded.has(user)) continue;
        const value = frontierValue(user, out, a, b);
        if (!value) continue;
        const name = fresh(`${out}_folded`);
        added.push(toTensor(name, value));
        const slots = replaced.get(user) ?? new Map<number, string>();
        user.inputs.forEach((v, i) => v === out && slots.set(i, name));
        replaced.set(user, slots);
      }
    }
  }
  if (added.length === 0) return model;
  const nodes = g.nodes.map((n) => {
    const slots = replaced.get(n);
    return slots ? { ...n, inputs: n.inputs.map((v, i) => slots.get(i) ?? v) } : n;
  });
  return { ...model, graph: dropDeadNodes({ ...g, nodes, initializers: [...g.initializers, ...added] }) };
}

/** The constant a non-folded `user` reads for `value`, or undefined when it depends on the batch in a way 0 cannot express. */
function frontierValue(user: Node, value: string, a: Walk, b: Walk): ConstValue | undefined {
  const [va, vb] = [a.consts.get(value)!, b.consts.get(value)!];
  if (va.data.length !== vb.data.length) return undefined;
  const differ = va.data.map((v, i) => (v !== vb.data[i] ? i : -1)).filter((i) => i >= 0);
  if (differ.length === 0) return va;
  if (user.opType !== 'Reshape' || user.inputs[1] !== value || user.attributes['allowzero']?.value === 1) return undefined;
  const [xa, xb] = [a.infos.get(user.inputs[0]!)?.dims, b.infos.get(user.inputs[0]!)?.dims];
  if (!xa || !xb) return undefined;
  const copiesBatch = (i: number) => va.data[i] === 1 && vb.data[i] === 3 && xa[i] === 1 && xb[i] === 3;
  if (!differ.every(copiesBatch)) return undefined;
  return { ...va, data: va.data.map((v, i) => (differ.includes(i) ? 0 : v)) };
}

/** Shapes of the values shape inference reaches at one batch size, before the graph is fully supported. */
export function partialShapes(model: Model, batch: number): ReadonlyMap<string, TensorInfo> {
  return walk(model, topologicalOrder(model.graph), batch).infos;
}

/** Evaluates shape arithmetic and infers shapes at one batch size, as far as the graph allows. */
function walk(model: Model, order: readonly Node[], batch: number): Walk {
  const g = model.graph;
  const consts = new Map<string, ConstValue>();
  const infos = new Map<string, TensorInfo>();
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  for (const t of g.initializers) infos.set(t.name, { elemType: t.dataType, dims: t.dims });
  for (const input of g.inputs) {
    if (inits.has(input.name) || !input.shape) continue;
    const dims = input.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? batch : NaN));
    if (dims.every(Number.isFinite)) infos.set(input.name, { elemType: input.elemType, dims });
  }
  const constOf = (name: string): ConstValue | undefined => {
    const hit = consts.get(name);
    if (hit) return hit;
    const t = inits.get(name);
    if (!t || elementCount(t.dims) > MAX_FOLDED || typeof t.data[0] === 'string') return undefined;
    const v = fromTensor(t);
    consts.set(name, v);
    return v;
  };
  const folded = new Set<Node>();
  for (const node of order) {
    const inDefault = node.domain === '' || node.domain === 'ai.onnx';
    if (inDefault && FOLDABLE.has(node.opType) && node.outputs.length === 1) {
      const inputs = node.inputs.map((n) => (n === '' ? undefined : constOf(n)));
      const allConst = node.inputs.every((n, i) => n === '' || inputs[i] !== undefined || (node.opType === 'Shape' && i === 0));
      const value = allConst ? evalConstNode(node, inputs, () => infos.get(node.inputs[0]!)?.dims) : undefined;
      if (value && value.data.length <= MAX_FOLDED) {
        consts.set(node.outputs[0]!, value);
        infos.set(node.outputs[0]!, { elemType: value.dataType, dims: value.dims });
        folded.add(node);
        continue;
      }
    }
    inferNode({ node, infos, opset: defaultOpset(model) }, (i) => {
      const v = constOf(node.inputs[i] ?? '');
      return v && toTensor(node.inputs[i]!, v);
    });
  }
  return { consts, infos, folded };
}

/** Output infos of a supported node whose input infos are known; nothing when it cannot say. */
function inferNode(s: { node: Node; infos: Map<string, TensorInfo>; opset: number }, constant: (i: number) => Tensor | undefined): void {
  const { node, infos } = s;
  const spec = OP_SPECS.get(node.opType);
  const inputs = node.inputs.map((n) => (n === '' ? undefined : infos.get(n)));
  if (!spec || node.inputs.some((n, i) => n !== '' && !inputs[i])) return;
  try {
    const outs = spec.inferShapes({ node, inputs, constant, opset: s.opset });
    node.outputs.forEach((o, i) => {
      const info = outs[i];
      if (info && o !== '') infos.set(o, info);
    });
  } catch {
    // Left unknown: the full shape inference after normalization reports the problem.
  }
}
