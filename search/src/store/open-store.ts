import { openMongoStore } from './mongo/open-mongo-store.js';
import { openSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** Folder of the embedded store; default `FRONTIER_DATA`, else `./.frontier`. */
  readonly dataDir?: string;
  /** A MongoDB connection string; default `MONGODB_URI`. When set, MongoDB is used. */
  readonly mongodbUri?: string;
  /** Where the defaults are read from (default `process.env`); pass `{}` to ignore the environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** MongoDB only: how long to look for a server before failing (default 5000 ms). */
  readonly serverSelectionTimeoutMS?: number;
}

/** Which adapter {@link openStore} would open, and where. */
export type StoreLocation = { readonly kind: 'mongodb'; readonly uri: string } | { readonly kind: 'sqlite'; readonly dataDir: string };

/** Resolves the options against the environment: MongoDB if a URI is given, else SQLite. */
export function storeLocation(options: OpenStoreOptions = {}): StoreLocation {
  const env = options.env ?? process.env;
  const uri = options.mongodbUri ?? nonEmpty(env.MONGODB_URI);
  if (uri !== undefined) return { kind: 'mongodb', uri };
  return { kind: 'sqlite', dataDir: options.dataDir ?? nonEmpty(env.FRONTIER_DATA) ?? './.frontier' };
}

/**
 * Opens the store Frontier is configured for: MongoDB when `mongodbUri` (or `MONGODB_URI`) is set,
 * else the embedded SQLite store in `dataDir` (or `FRONTIER_DATA`, or `./.frontier`).
 * @throws StoreError UNAVAILABLE when the database cannot be opened or reached.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const location = storeLocation(options);
  if (location.kind === 'mongodb') {
    return openMongoStore({
      uri: location.uri,
      ...(options.serverSelectionTimeoutMS === undefined ? {} : { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS }),
    });
  }
  return openSqliteStore({ dataDir: location.dataDir });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
