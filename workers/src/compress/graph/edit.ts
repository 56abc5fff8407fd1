import type { Graph, Model, Node, Tensor } from '../../onnx/model.js';

/** Nodes reading each value. */
export function consumers(graph: Graph): Map<string, Node[]> {
  const map = new Map<string, Node[]>();
  for (const node of graph.nodes) {
    for (const input of new Set(node.inputs)) {
      if (input === '') continue;
      const list = map.get(input) ?? [];
      list.push(node);
      map.set(input, list);
    }
  }
  return map;
}

/** The node producing each value. */
export function producers(graph: Graph): Map<string, Node> {
  const map = new Map<string, Node>();
  for (const node of graph.nodes) for (const o of node.outputs) if (o !== '') map.set(o, node);
  return map;
}

/** A model with some graph fields replaced; value infos are dropped when shapes may have changed. */
export function withGraph(model: Model, patch: Partial<Graph>, options: { shapesChanged?: boolean } = {}): Model {
  const graph = { ...model.graph, ...patch };
  return { ...model, graph: options.shapesChanged ? { ...graph, valueInfo: [] } : graph };
}

/** Replaces initializers by name (tensors keep their own names). */
export function replaceInitializers(graph: Graph, replacements: ReadonlyMap<string, Tensor>): Tensor[] {
  return graph.initializers.map((t) => replacements.get(t.name) ?? t);
}

/** Drops initializers no node reads and no graph output names. */
export function dropUnusedInitializers(graph: Graph): Graph {
  const used = new Set<string>(graph.outputs.map((o) => o.name));
  for (const n of graph.nodes) for (const i of n.inputs) used.add(i);
  return {
    ...graph,
    initializers: graph.initializers.filter((t) => used.has(t.name)),
    inputs: graph.inputs.filter((i) => used.has(i.name) || !graph.initializers.some((t) => t.name === i.name)),
  };
}

/** Generates names unused anywhere in a graph (nodes, values, initializers). */
export class Namer {
  private readonly taken = new Set<string>();

  constructor(graph: Graph) {
    for (const n of graph.nodes) {
      this.taken.add(n.name);
      for (const v of [...n.inputs, ...n.outputs]) this.taken.add(v);
    }
    for (const t of graph.initializers) this.taken.add(t.name);
    for (const v of [...graph.inputs, ...graph.outputs]) this.taken.add(v.name);
  }

  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }
}

export { constantsToInitializers } from '../../onnx/normalize/graph-utils.js';

/** Gives every unnamed node a unique name (`Conv_3`), so reports and rewrites can refer to it. */
export function nameNodes(model: Model): Model {
  if (model.graph.nodes.every((n) => n.name !== '')) return model;
  const namer = new Namer(model.graph);
  const nodes = model.graph.nodes.map((n, i) => (n.name !== '' ? n : { ...n, name: namer.fresh(`${n.opType}_${i}`) }));
  return withGraph(model, { nodes });
}
