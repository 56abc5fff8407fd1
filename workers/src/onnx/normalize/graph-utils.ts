import { tensorAttr } from '../attributes.js';
import type { Graph, Model, Node, Tensor } from '../model.js';

/** A function giving names unused anywhere in the graph, starting from a base. */
export function freshNamer(graph: Graph): (base: string) => string {
  const taken = new Set<string>();
  for (const n of graph.nodes) for (const v of [n.name, ...n.inputs, ...n.outputs]) taken.add(v);
  for (const v of [...graph.initializers, ...graph.inputs, ...graph.outputs]) taken.add(v.name);
  return (base) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
}

/**
 * Drops nodes none of whose outputs is read (by a node or as a graph output), repeatedly, then the
 * initializers nothing reads any more.
 */
export function dropDeadNodes(graph: Graph): Graph {
  let nodes: readonly Node[] = graph.nodes;
  for (;;) {
    const used = new Set<string>(graph.outputs.map((o) => o.name));
    for (const n of nodes) for (const i of n.inputs) used.add(i);
    const kept = nodes.filter((n) => n.outputs.some((o) => o !== '' && used.has(o)));
    if (kept.length === nodes.length) break;
    nodes = kept;
  }
  const used = new Set<string>(graph.outputs.map((o) => o.name));
  for (const n of nodes) for (const i of n.inputs) used.add(i);
  const initializers = graph.initializers.filter((t) => used.has(t.name));
  const dropped = new Set(graph.initializers.filter((t) => !used.has(t.name)).map((t) => t.name));
  return { ...graph, nodes, initializers, inputs: graph.inputs.filter((i) => !dropped.has(i.name)) };
}

/** Rewires every reader of `from` (nodes only) to read `to` instead. */
export function rewire(nodes: readonly Node[], from: string, to: string): Node[] {
  return nodes.map((n) => (n.inputs.includes(from) ? { ...n, inputs: n.inputs.map((v) => (v === from ? to : v)) } : n));
}

/**
 * Turns Constant nodes holding a tensor into initializers, so kernels find every weight in one
 * place (exporters emit weights either way).
 */
export function constantsToInitializers(model: Model): Model {
  const hoisted: Tensor[] = [];
  const nodes = model.graph.nodes.filter((n) => {
    if (n.opType !== 'Constant' || n.domain !== '') return true;
    const value = tensorAttr(n, 'value');
    if (!value || !n.outputs[0]) return true;
    hoisted.push({ ...value, name: n.outputs[0] });
    return false;
  });
  if (hoisted.length === 0) return model;
  return { ...model, graph: { ...model.graph, nodes, initializers: [...model.graph.initializers, ...hoisted] } };
}
