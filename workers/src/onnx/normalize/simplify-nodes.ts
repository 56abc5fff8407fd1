import { intAttr, intsAttr, stringAttr } from '../attributes.js';
import type { Attribute, Graph, Model, Node, Tensor } from '../model.js';
import { toNumbers } from '../tensor.js';
import { dropDeadNodes, freshNamer, rewire } from './graph-utils.js';

/**
 * Identity and inference-mode Dropout pass their input through: readers are rewired to the input
 * and the node goes. One whose output is a graph output stays (the output keeps its name), as does
 * a Dropout whose mask is read.
 */
export function dropPassThrough(model: Model): Model {
  const g = model.graph;
  const outputs = new Set(g.outputs.map((o) => o.name));
  const read = new Set(g.nodes.flatMap((n) => n.inputs));
  let nodes: Node[] = [...g.nodes];
  let changed = false;
  for (const node of g.nodes) {
    if (node.domain !== '' || (node.opType !== 'Identity' && node.opType !== 'Dropout')) continue;
    const [y, mask] = node.outputs;
    if (!y || outputs.has(y) || (mask && read.has(mask)) || (node.opType === 'Dropout' && node.inputs[2])) continue;
    nodes = rewire(nodes.filter((n) => n !== node), y, node.inputs[0]!);
    changed = true;
  }
  return changed ? { ...model, graph: { ...g, nodes } } : model;
}

/** Pads of a constant-mode zero Pad on the two spatial axes of a 4-D tensor, [top, left, bottom, right]. */
function spatialPads(pad: Node, inits: ReadonlyMap<string, Tensor>): number[] | undefined {
  if (stringAttr(pad, 'mode', 'constant') !== 'constant' || pad.inputs[3]) return undefined;
  const pads = inits.get(pad.inputs[1] ?? '');
  const value = pad.inputs[2] ? inits.get(pad.inputs[2]) : undefined;
  if (!pads || (pad.inputs[2] && (!value || toNumbers(value).some((v) => v !== 0)))) return undefined;
  const p = Array.from(toNumbers(pads));
  if (p.length !== 8 || p[0] !== 0 || p[1] !== 0 || p[4] !== 0 || p[5] !== 0 || p.some((v) => v < 0)) return undefined;
  return [p[2]!, p[3]!, p[6]!, p[7]!];
}

/**
 * Folds a zero Pad into the Conv or AveragePool that alone reads it (PyTorch exports `ZeroPad2d`
 * and `AvgPool2d(padding=…)` as Pad + op): the padding moves into the op's `pads`. Zero padding
 * counted in the average is AveragePool's `count_include_pad = 1`, so a pool that already pads
 * without counting its padding keeps its Pad.
 */
export function fusePads(model: Model): Model {
  const g = model.graph;
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const readers = new Map<string, Node[]>();
  for (const n of g.nodes) for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n]);
  const outputs = new Set(g.outputs.map((o) => o.name));
  const replace = new Map<Node, Node>();
  const drop = new Set<Node>();
  for (const pad of g.nodes) {
    if (pad.opType !== 'Pad' || pad.domain !== '' || outputs.has(pad.outputs[0]!)) continue;
    const extra = spatialPads(pad, inits);
    const users = readers.get(pad.outputs[0]!) ?? [];
    const user = users[0];
    if (!extra || users.length !== 1 || !user || user.inputs[0] !== pad.outputs[0] || replace.has(user)) continue;
    if (user.opType !== 'Conv' && user.opType !== 'AveragePool') continue;
    if (stringAttr(user, 'auto_pad', 'NOTSET') !== 'NOTSET') continue;
    const own = intsAttr(user, 'pads', [0, 0, 0, 0]) ?? [0, 0, 0, 0];
    const attrs: Record<string, Attribute> = { ...user.attributes, pads: { type: 'ints', value: own.map((v, i) => v + extra[i]!) } };
    if (user.opType === 'AveragePool') {
      const counts = intAttr(user, 'count_include_pad', 0) === 1;
      if (!counts && own.some((v) => v !== 0)) continue;
      attrs['count_include_pad'] = { type: 'int', value: 1 };
    }
    replace.set(user, { ...user, inputs: [pad.inputs[0]!, ...user.inputs.slice(1)], attributes: attrs });
    drop.add(pad);
  }
  if (drop.size === 0) return model;
  const nodes = g.nodes.filter((n) => !drop.has(n)).map((n) => replace.get(n) ?? n);
  return { ...model, graph: dropDeadNodes({ ...g, nodes }) };
}

/** The axes of a ReduceMean: an attribute before opset 18, a constant input from 18. */
function reduceAxes(node: Node, graph: Graph): number[] | undefined {
  const fromInput = node.inputs[1] ? graph.initializers.find((t) => t.name === node.inputs[1]) : undefined;
  if (node.inputs[1] && !fromInput) return undefined;
  const axes = fromInput ? Array.from(toNumbers(fromInput)) : intsAttr(node, 'axes', undefined);
  return axes ? [...axes] : undefined;
}

/**
 * ReduceMean over the two spatial axes of a 4-D tensor (`x.mean([2, 3])`) is GlobalAveragePool,
 * followed by Flatten when the reduced axes are dropped (keepdims 0): written that way, every
 * kernel that knows pooling handles it.
 */
export function reduceMeanToPool(model: Model, rankOf: (value: string) => number | undefined): Model {
  const g = model.graph;
  const nodes: Node[] = [];
  const fresh = freshNamer(g);
  let changed = false;
  for (const node of g.nodes) {
    const axes = node.opType === 'ReduceMean' && node.domain === '' ? reduceAxes(node, g) : undefined;
    const rank = rankOf(node.inputs[0]!);
    const spatial = axes?.length === 2 && rank === 4 && axes.map((a) => (a < 0 ? a + 4 : a)).sort().join() === '2,3';
    if (!spatial) {
      nodes.push(node);
      continue;
    }
    changed = true;
    const out = node.outputs[0]!;
    const keep = intAttr(node, 'keepdims', 1) === 1;
    const pooled = keep ? out : fresh(`${out}/pooled`);
    nodes.push({ name: fresh(`${node.name}/GlobalAveragePool`), opType: 'GlobalAveragePool', domain: '', inputs: [node.inputs[0]!], outputs: [pooled], attributes: {} });
    if (!keep) nodes.push({ name: fresh(`${node.name}/Flatten`), opType: 'Flatten', domain: '', inputs: [pooled], outputs: [out], attributes: { axis: { type: 'int', value: 1 } } });
  }
  return changed ? { ...model, graph: dropDeadNodes({ ...g, nodes }) } : model;
}
