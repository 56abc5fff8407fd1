import type { Readable } from 'node:stream';
import type { ArtifactRef } from './types.js';

/** Where an adapter keeps artifact bytes, by sha256: files beside SQLite, GridFS beside MongoDB. */
export interface ArtifactBlobs {
  put(bytes: Uint8Array): Promise<ArtifactRef>;
  get(sha256: string): Promise<Uint8Array>;
  stream(sha256: string): Promise<Readable>;
  has(sha256: string): Promise<boolean>;
  size(sha256: string): Promise<number>;
}

/**
 * The artifact half of the `Store` port, the same for every adapter: check the store is open, then
 * hand the call to the adapter's blob storage.
 */
export abstract class ArtifactDelegate {
  protected abstract readonly artifacts: ArtifactBlobs;
  /** Throws `StoreError('CLOSED')` once the store is closed. */
  protected abstract assertOpen(): void;

  async putArtifact(bytes: Uint8Array): Promise<ArtifactRef> {
    this.assertOpen();
    return this.artifacts.put(bytes);
  }
  async getArtifact(sha256: string): Promise<Uint8Array> {
    this.assertOpen();
    return this.artifacts.get(sha256);
  }
  async openArtifactStream(sha256: string): Promise<Readable> {
    this.assertOpen();
    return this.artifacts.stream(sha256);
  }
  async hasArtifact(sha256: string): Promise<boolean> {
    this.assertOpen();
    return this.artifacts.has(sha256);
  }
  async artifactSize(sha256: string): Promise<number> {
    this.assertOpen();
    return this.artifacts.size(sha256);
  }
}
