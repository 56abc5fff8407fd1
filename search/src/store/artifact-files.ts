import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { checkSha256 } from './store-rules.js';
import { StoreError } from './store-error.js';
import type { ArtifactRef } from './types.js';

/** sha256 of bytes, lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Content-addressed files: the bytes whose sha256 is `h` live at `<root>/<h[0..2]>/<h>` (the
 * two-character fan-out keeps directories small, as git's object store does). Files are written to
 * a temporary name, fsynced, renamed into place and their directory fsynced, so a reader sees
 * either no file or the whole file, and a crash never leaves a truncated artifact under its name.
 */
export class ArtifactFiles {
  constructor(private readonly root: string) {}

  /** The path of an artifact; rejects anything but a sha256, so a name can never escape `root`. */
  pathOf(sha256: string): string {
    checkSha256('sha256', sha256);
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  async put(bytes: Uint8Array): Promise<ArtifactRef> {
    const sha256 = sha256Hex(bytes);
    const path = this.pathOf(sha256);
    if ((await sizeOrUndefined(path)) === bytes.length) return { sha256, size: bytes.length };
    const dir = join(this.root, sha256.slice(0, 2));
    await mkdir(dir, { recursive: true });
    // A unique temporary name: two writers of the same bytes must not share one.
    const temp = join(dir, `.${sha256}.${randomUUID()}.tmp`);
    try {
      const file = await open(temp, 'wx');
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      // rename is atomic on POSIX; replacing an identical file written concurrently is harmless.
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await syncDirectory(dir);
    return { sha256, size: bytes.length };
  }

  async get(sha256: string): Promise<Uint8Array> {
    const path = this.pathOf(sha256);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw notFoundOr(error, sha256);
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha256) {
      throw new StoreError('CORRUPT', `artifact ${sha256} at ${path} hashes to ${actual}`, { sha256, actual, path });
    }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async stream(sha256: string): Promise<Readable> {
    await this.size(sha256);
    return createReadStream(this.pathOf(sha256));
  }

  async has(sha256: string): Promise<boolean> {
    return (await sizeOrUndefined(this.pathOf(sha256))) !== undefined;
  }

  async size(sha256: string): Promise<number> {
    const size = await sizeOrUndefined(this.pathOf(sha256));
    if (size === undefined) throw notFound(sha256);
    return size;
  }
}

async function sizeOrUndefined(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** fsync a directory so that a rename in it survives a power loss (POSIX leaves it to the caller). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function notFound(sha256: string): StoreError {
  return new StoreError('NOT_FOUND', `no artifact with sha256 ${sha256}`, { sha256 });
}

function notFoundOr(error: unknown, sha256: string): unknown {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' ? notFound(sha256) : error;
}
