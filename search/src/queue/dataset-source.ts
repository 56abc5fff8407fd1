import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { datasetHasher, registeredDatasetFile, type DatasetRef, type PoolDataset } from '@frontier/workers';
import { SearchError } from '../errors.js';
import { apiGet } from './api-get.js';

export interface DatasetSourceOptions {
  /** The worker's data folder: a fetched dataset goes where registered ones are kept (`datasets/registered/<sha256>.bin`). */
  readonly dataDir: string;
  /** A Frontier API (`http://host:4000`) whose `/datasets/<sha256>` serves the registered datasets this machine lacks. */
  readonly apiUrl?: string;
  /** A read token for that API. */
  readonly token?: string;
}

/**
 * A worker's registered datasets by provenance hash: one found in the data folder (registered on
 * this machine, or a shared FRONTIER_DATA) is used as it is; one missing is downloaded once from the
 * API's `/datasets/<sha256>` — streamed to disk, never held whole in memory, since a decoded dataset
 * can be hundreds of MB — and kept only when it hashes to that provenance hash. The pool then loads
 * it like any registered dataset (checking the hash again).
 */
export class DatasetSource {
  private readonly ready = new Map<string, Promise<void>>();
  /** How many datasets were downloaded, as opposed to found on disk. */
  fetches = 0;

  constructor(private readonly o: DatasetSourceOptions) {}

  /** Resolves once the job's dataset is on this machine (at once for the built-in one). */
  ensure(dataset: PoolDataset): Promise<void> {
    if (typeof dataset === 'string') return Promise.resolve();
    let ready = this.ready.get(dataset.sha256);
    if (!ready) {
      // Jobs on the same dataset that arrive together wait for one download.
      ready = this.obtain(dataset);
      this.ready.set(dataset.sha256, ready);
      // A failed download is not remembered: the next job tries again.
      ready.catch(() => this.ready.delete(dataset.sha256));
    }
    return ready;
  }

  private async obtain(ref: DatasetRef): Promise<void> {
    const file = registeredDatasetFile(this.o.dataDir, ref.sha256);
    if (existsSync(file)) return;
    if (!this.o.apiUrl) {
      throw new SearchError(
        'DATASET_UNAVAILABLE',
        `dataset ${ref.name} (${ref.sha256}) is not on this worker's machine (no ${file}) and the worker has no API to fetch it from: ` +
          'register it here with `frontier datasets add` (the same files and options), or start the worker with --api URL (or FRONTIER_API)',
        { dataset: ref.name, sha256: ref.sha256 },
      );
    }
    this.fetches++;
    const { url, response } = await apiGet({ apiUrl: this.o.apiUrl, ...(this.o.token ? { token: this.o.token } : {}) }, `/datasets/${ref.sha256}`);
    if (!response.body) throw unavailable(ref, `GET ${url.href} answered with no body`);
    const length = response.headers.get('content-length');
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    const hash = datasetHasher(ref.normalize);
    let received = 0;
    try {
      await pipeline(
        Readable.fromWeb(response.body as ReadableStream<Uint8Array>),
        async function* (chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            received += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(tmp),
      );
      if (length !== null && received !== Number(length)) throw unavailable(ref, `GET ${url.href} sent ${received} bytes of the ${length} announced: refused`);
      const actual = hash.digest();
      if (actual !== ref.sha256) throw unavailable(ref, `GET ${url.href} sent a file whose provenance hash is ${actual}, not ${ref.sha256}: refused`);
      // Atomic: a reader (another job, another worker on a shared folder) sees no file or all of it.
      renameSync(tmp, file);
    } finally {
      rmSync(tmp, { force: true });
    }
  }
}

function unavailable(ref: DatasetRef, problem: string): SearchError {
  return new SearchError('DATASET_UNAVAILABLE', `dataset ${ref.name}: ${problem}`, { dataset: ref.name, sha256: ref.sha256 });
}
