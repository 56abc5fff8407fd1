import { WorkersError } from '../errors.js';
import type { Graph, Node } from './model.js';

/**
 * Orders a graph's nodes so that every node comes after the producers of its inputs (Kahn's
 * algorithm, stable: among ready nodes, file order wins). Throws `BAD_MODEL` when a node reads a
 * value nothing produces, when two nodes write the same value, or when the graph has a cycle.
 */
export function topologicalOrder(graph: Graph): Node[] {
  const available = new Set<string>(['']);
  for (const i of graph.inputs) available.add(i.name);
  for (const t of graph.initializers) available.add(t.name);

  const producer = new Map<string, number>();
  graph.nodes.forEach((node, index) => {
    for (const out of node.outputs) {
      if (out === '') continue;
      if (producer.has(out) || available.has(out)) {
        throw new WorkersError('BAD_MODEL', `value "${out}" is produced twice (again by node "${node.name}")`);
      }
      producer.set(out, index);
    }
  });

  const waiting = new Int32Array(graph.nodes.length);
  const consumers = new Map<string, number[]>();
  graph.nodes.forEach((node, index) => {
    for (const input of new Set(node.inputs)) {
      if (available.has(input)) continue;
      if (!producer.has(input)) {
        throw new WorkersError('BAD_MODEL', `node "${node.name}" (${node.opType}) reads "${input}", which nothing produces`);
      }
      waiting[index]!++;
      const list = consumers.get(input) ?? [];
      list.push(index);
      consumers.set(input, list);
    }
  });

  // A min-ordered ready list keeps the original order wherever the data flow allows it.
  const ready: number[] = [];
  waiting.forEach((w, i) => w === 0 && ready.push(i));
  const order: Node[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => b - a);
    const index = ready.pop()!;
    const node = graph.nodes[index]!;
    order.push(node);
    for (const out of node.outputs) {
      for (const c of consumers.get(out) ?? []) {
        if (--waiting[c]! === 0) ready.push(c);
      }
    }
  }
  if (order.length !== graph.nodes.length) {
    const stuck = graph.nodes.filter((_, i) => waiting[i]! > 0).map((n) => n.name);
    throw new WorkersError('BAD_MODEL', `the graph has a cycle through nodes ${stuck.slice(0, 5).join(', ')}`);
  }
  return order;
}
