import { readFileSync } from 'node:fs';
import { UsageError } from './exit-codes.js';

/** Reads a JSON file named by an option; a missing or malformed file is a usage error naming both. */
export function readJsonFile(path: string, option: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${option}: cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${option}: ${path} is not valid JSON: ${(err as Error).message}`);
  }
}
