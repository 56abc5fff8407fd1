import type { Redis } from 'ioredis';
import { sha256Hex } from '../store/artifact-files.js';

/**
 * How long a blob stays in Redis after it was last written or touched: 2 hours, beyond the hour
 * for which finished jobs are kept (a job's result must still find its compressed model).
 */
const BLOB_TTL_SECONDS = 2 * 3600;

/**
 * Content-addressed bytes in Redis (`frontier:blob:<sha256>`): the models an engine shares with its
 * workers and the compressed models the workers hand back. Blobs expire a day after their last
 * write or touch, so an abandoned run leaves nothing behind for long.
 */
export class RedisBlobs {
  constructor(private readonly redis: Redis) {}

  /** Stores `bytes` (or refreshes their expiry) and returns their sha256. */
  async put(bytes: Uint8Array): Promise<string> {
    const sha256 = sha256Hex(bytes);
    await this.redis.set(blobKey(sha256), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'EX', BLOB_TTL_SECONDS);
    return sha256;
  }

  /** The bytes named by `sha256`, or undefined when Redis has none (expired, or lost with a restart). */
  async get(sha256: string): Promise<Uint8Array | undefined> {
    const bytes = await this.redis.getBuffer(blobKey(sha256));
    if (!bytes) return undefined;
    const actual = sha256Hex(bytes);
    if (actual !== sha256) throw new Error(`the blob stored under ${sha256} in Redis has sha256 ${actual}`);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Extends a blob's life; false when Redis does not hold it (any more). */
  async touch(sha256: string): Promise<boolean> {
    return (await this.redis.expire(blobKey(sha256), BLOB_TTL_SECONDS)) === 1;
  }
}

function blobKey(sha256: string): string {
  return `frontier:blob:${sha256}`;
}
