import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A model file read from disk, with its bytes and content hash. */
export interface ModelFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly sha256: string;
}

/** Reads a model file; a missing or unreadable file is an error that names the path. */
export function readModelFile(path: string): ModelFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? `model file not found: ${path}` : `cannot read model file ${path}: ${(err as Error).message}`;
    throw new Error(message, { cause: err });
  }
  return { path, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}
