import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { GridFSBucket } from 'mongodb';
import type { Db } from 'mongodb';
import { sha256Hex } from '../artifact-files.js';
import { checkSha256 } from '../store-rules.js';
import { StoreError } from '../store-error.js';
import type { ArtifactRef } from '../types.js';

/**
 * Content-addressed artifacts in GridFS (bucket `artifacts`, filename = sha256). GridFS writes the
 * chunks first and the `files` document last, so a file is visible only once complete. Two writers
 * racing on the same new bytes may both store them; the copies are identical, readers take either.
 */
export class GridFsArtifacts {
  readonly #bucket: GridFSBucket;

  constructor(db: Db) {
    this.#bucket = new GridFSBucket(db, { bucketName: 'artifacts', writeConcern: { w: 'majority', journal: true } });
  }

  async put(bytes: Uint8Array): Promise<ArtifactRef> {
    const sha256 = sha256Hex(bytes);
    if ((await this.#length(sha256)) === undefined) {
      const upload = this.#bucket.openUploadStream(sha256);
      upload.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      await finished(upload);
    }
    return { sha256, size: bytes.length };
  }

  async get(sha256: string): Promise<Uint8Array> {
    await this.size(sha256);
    const chunks: Buffer[] = [];
    for await (const chunk of this.#bucket.openDownloadStreamByName(sha256)) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const actual = sha256Hex(bytes);
    if (actual !== sha256) throw new StoreError('CORRUPT', `GridFS artifact ${sha256} hashes to ${actual}`, { sha256, actual });
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  async stream(sha256: string): Promise<Readable> {
    await this.size(sha256);
    return this.#bucket.openDownloadStreamByName(sha256);
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.#length(sha256)) !== undefined;
  }

  async size(sha256: string): Promise<number> {
    const length = await this.#length(sha256);
    if (length === undefined) throw new StoreError('NOT_FOUND', `no artifact with sha256 ${sha256}`, { sha256 });
    return length;
  }

  async #length(sha256: string): Promise<number | undefined> {
    checkSha256('sha256', sha256);
    const [file] = await this.#bucket.find({ filename: sha256 }, { limit: 1 }).toArray();
    return file?.length;
  }
}
