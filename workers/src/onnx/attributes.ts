import { WorkersError } from '../errors.js';
import type { Node, Tensor } from './model.js';

function fail(node: Node, name: string, expected: string): never {
  throw new WorkersError('BAD_MODEL', `node "${node.name}" (${node.opType}): attribute "${name}" must be ${expected}`);
}

/** An INT attribute, or `fallback` when absent. */
export function intAttr(node: Node, name: string, fallback: number): number {
  const a = node.attributes[name];
  if (a === undefined) return fallback;
  if (a.type !== 'int') fail(node, name, 'an int');
  return a.value;
}

/** A FLOAT attribute, or `fallback` when absent. */
export function floatAttr(node: Node, name: string, fallback: number): number {
  const a = node.attributes[name];
  if (a === undefined) return fallback;
  if (a.type !== 'float') fail(node, name, 'a float');
  return a.value;
}

/** A STRING attribute, or `fallback` when absent. */
export function stringAttr(node: Node, name: string, fallback: string): string {
  const a = node.attributes[name];
  if (a === undefined) return fallback;
  if (a.type !== 'string') fail(node, name, 'a string');
  return a.value;
}

/** An INTS attribute, or `fallback` when absent. */
export function intsAttr(node: Node, name: string, fallback: readonly number[] | undefined): readonly number[] | undefined {
  const a = node.attributes[name];
  if (a === undefined) return fallback;
  if (a.type !== 'ints') fail(node, name, 'a list of ints');
  return a.value;
}

/** A TENSOR attribute, or undefined when absent. */
export function tensorAttr(node: Node, name: string): Tensor | undefined {
  const a = node.attributes[name];
  if (a === undefined) return undefined;
  if (a.type !== 'tensor') fail(node, name, 'a tensor');
  return a.value;
}
