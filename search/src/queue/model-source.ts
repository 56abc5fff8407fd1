import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../store/artifact-files.js';
import { apiGet } from './api-get.js';
import type { RedisBlobs } from './redis-blobs.js';

export interface ModelSourceOptions {
  readonly blobs: RedisBlobs;
  /** Where fetched models are kept on disk, by sha256. */
  readonly cacheDir: string;
  /** A Frontier API (`http://host:4000`) whose `/artifacts/<sha256>` serves the models Redis does not hold. */
  readonly apiUrl?: string;
  /** A read token for that API. */
  readonly token?: string;
}

const MODELS_IN_MEMORY = 4;

/**
 * A worker's models by sha256: fetched once — from Redis (where the engine puts them) or else from
 * the API's `/artifacts` — checked against their hash, and kept in memory and on disk.
 */
export class ModelSource {
  private readonly memory = new Map<string, Promise<Uint8Array>>();
  /** How many models were fetched over the network (Redis or HTTP), as opposed to found in a cache. */
  fetches = 0;

  constructor(private readonly o: ModelSourceOptions) {
    mkdirSync(o.cacheDir, { recursive: true });
  }

  /** The model whose bytes hash to `sha256`. */
  get(sha256: string): Promise<Uint8Array> {
    let bytes = this.memory.get(sha256);
    if (!bytes) {
      bytes = this.load(sha256);
      this.memory.set(sha256, bytes);
      // A few models stay in memory (a worker serves few runs at once); the others are on disk.
      if (this.memory.size > MODELS_IN_MEMORY) this.memory.delete(this.memory.keys().next().value!);
      // A failed fetch is not remembered: the next job asks again.
      bytes.catch(() => this.memory.delete(sha256));
    }
    return bytes;
  }

  private async load(sha256: string): Promise<Uint8Array> {
    const path = join(this.o.cacheDir, `${sha256}.onnx`);
    const cached = readIfPresent(path);
    if (cached && sha256Hex(cached) === sha256) return cached;
    const bytes = await this.fetch(sha256);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
    return bytes;
  }

  private async fetch(sha256: string): Promise<Uint8Array> {
    this.fetches++;
    const fromRedis = await this.o.blobs.get(sha256);
    if (fromRedis) return fromRedis;
    if (!this.o.apiUrl) throw new Error(`model ${sha256} is not in Redis and no API URL is configured to fetch it from`);
    const { url, response } = await apiGet({ apiUrl: this.o.apiUrl, ...(this.o.token ? { token: this.o.token } : {}) }, `/artifacts/${sha256}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const actual = sha256Hex(bytes);
    if (actual !== sha256) throw new Error(`GET ${url.href} returned bytes with sha256 ${actual}`);
    return bytes;
  }
}

function readIfPresent(path: string): Uint8Array | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
