import { StoreError } from './store-error.js';
import type { Json, JsonInput } from './types.js';

/**
 * A copy of `object` without its `undefined` members. Adapters build entities with it so an absent
 * optional field is absent (not present as `undefined`), whichever database it came from.
 */
export function compact<T extends object>(object: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) if (value !== undefined) out[key] = value;
  return out as T;
}

/**
 * The JSON text of a value, as every adapter stores it.
 * @throws StoreError BAD_ARGUMENT naming `field` if the value cannot be written as JSON.
 */
export function jsonText(field: string, value: JsonInput): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new StoreError('BAD_ARGUMENT', `${field} must be JSON data: ${(error as Error).message}`, { parameter: field });
  }
  if (text === undefined) throw new StoreError('BAD_ARGUMENT', `${field} must be JSON data, got ${typeof value}`, { parameter: field });
  return text;
}

/**
 * The JSON form of a value, as `JSON.stringify` then `JSON.parse` give it: what the MongoDB adapter
 * stores, so that it returns the same data as the SQLite one (undefined members dropped, NaN
 * becomes null, class instances become plain objects).
 */
export function toJson(field: string, value: JsonInput): Json {
  return JSON.parse(jsonText(field, value)) as Json;
}
