import { WorkersError } from '../errors.js';
import type { Model, ValueInfo } from './model.js';
import { topologicalOrder } from './topological-order.js';
import { elementCount } from './tensor.js';

/**
 * Structural checks every model passes before Frontier reads or writes it: an IR version and a
 * default-domain opset, named graph inputs and outputs with valid shapes (sizes are non-negative
 * integers), initializers whose data matches their shape, node op types, and an acyclic data flow
 * in which every value read is produced. Throws `BAD_MODEL` naming the first problem.
 */
export function validateModel(model: Model): void {
  if (!Number.isInteger(model.irVersion) || model.irVersion < 3) {
    throw new WorkersError('BAD_MODEL', `ir_version must be an integer ≥ 3, got ${model.irVersion}`);
  }
  if (!model.opsetImports.some((o) => o.domain === '' || o.domain === 'ai.onnx')) {
    throw new WorkersError('BAD_MODEL', 'the model imports no default-domain (ai.onnx) opset');
  }
  const g = model.graph;
  for (const v of [...g.inputs, ...g.outputs, ...g.valueInfo]) checkValueInfo(v);
  if (g.outputs.length === 0) throw new WorkersError('BAD_MODEL', 'the graph has no outputs');
  for (const t of g.initializers) {
    if (!t.name) throw new WorkersError('BAD_MODEL', 'an initializer has no name');
    if (elementCount(t.dims) !== t.data.length) {
      throw new WorkersError(
        'BAD_MODEL',
        `initializer "${t.name}" has shape [${t.dims.join(', ')}] but ${t.data.length} values`,
      );
    }
  }
  for (const n of g.nodes) {
    if (!n.opType) throw new WorkersError('BAD_MODEL', `node "${n.name}" has no op_type`);
  }
  topologicalOrder(g);
  const produced = new Set([...g.inputs.map((i) => i.name), ...g.initializers.map((t) => t.name)]);
  for (const n of g.nodes) for (const o of n.outputs) produced.add(o);
  for (const o of g.outputs) {
    if (!produced.has(o.name)) throw new WorkersError('BAD_MODEL', `graph output "${o.name}" is never produced`);
  }
}

function checkValueInfo(v: ValueInfo): void {
  if (!v.name) throw new WorkersError('BAD_MODEL', 'a graph value has no name');
  for (const d of v.shape ?? []) {
    if (typeof d === 'number' && (!Number.isSafeInteger(d) || d < 0)) {
      throw new WorkersError('BAD_MODEL', `value "${v.name}" has an invalid dimension ${d} in its shape`);
    }
  }
}
