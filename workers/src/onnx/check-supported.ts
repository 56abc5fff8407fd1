import { WorkersError } from '../errors.js';
import type { Model } from './model.js';
import { OP_SPECS, supportedOpTypes } from './ops/registry.js';

/**
 * Rejects a model that uses operators outside Frontier's supported set, naming every offending op
 * type with the nodes that use it (code `UNSUPPORTED_OP`, `details.ops`: op type → node names).
 */
export function checkSupported(model: Model): void {
  const bad = new Map<string, string[]>();
  for (const node of model.graph.nodes) {
    const inDefaultDomain = node.domain === '' || node.domain === 'ai.onnx';
    if (inDefaultDomain && OP_SPECS.has(node.opType)) continue;
    const key = inDefaultDomain ? node.opType : `${node.domain}::${node.opType}`;
    const names = bad.get(key) ?? [];
    names.push(node.name);
    bad.set(key, names);
  }
  if (bad.size === 0) return;
  const list = [...bad.entries()].map(([op, names]) => {
    const shown = names.slice(0, 5).map((n) => `"${n}"`).join(', ');
    return `${op} (node${names.length > 1 ? 's' : ''} ${shown}${names.length > 5 ? `, … ${names.length} in all` : ''})`;
  });
  throw new WorkersError(
    'UNSUPPORTED_OP',
    `unsupported operator${bad.size > 1 ? 's' : ''}: ${list.join('; ')}. Supported: ${supportedOpTypes().join(', ')}`,
    { ops: Object.fromEntries(bad) },
  );
}
