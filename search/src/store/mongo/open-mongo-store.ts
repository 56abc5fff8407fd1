import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { mongoIndexes } from './mongo-queries.js';
import type { CollectionName } from './mongo-queries.js';
import { MongoStore } from './mongo-store.js';
import { parseMongoUri, redact } from './mongo-uri.js';
import type { Store } from '../store.js';
import { StoreError } from '../store-error.js';

export interface MongoStoreOptions {
  /** A `mongodb://` or `mongodb+srv://` connection string (`MONGODB_URI`). */
  readonly uri: string;
  /** The database; default: the one in the URI's path, else `frontier`. */
  readonly database?: string;
  /** How long to look for a server before failing (default 5000 ms). */
  readonly serverSelectionTimeoutMS?: number;
}

/**
 * Opens the MongoDB store: connects, then creates the indexes of {@link mongoIndexes}. Every write
 * uses majority, journaled write concern, so a write that resolved survives a primary's failover.
 * @throws StoreError BAD_ARGUMENT for a malformed URI; UNAVAILABLE, naming the hosts and the cause,
 * when no server answers within `serverSelectionTimeoutMS`.
 */
export async function openMongoStore(options: MongoStoreOptions): Promise<Store> {
  const parts = parseMongoUri(options.uri);
  let client: MongoClient;
  try {
    client = new MongoClient(options.uri, {
      serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000,
      // Acknowledged once a majority of the replica set has the write in its journal (a standalone
      // server reads this as "in my journal"): what the contract calls durable.
      writeConcern: { w: 'majority', journal: true },
      // Optional fields left undefined are omitted, as JSON.stringify does, not stored as null.
      ignoreUndefined: true,
      appName: 'frontier',
    });
  } catch (error) {
    throw new StoreError('BAD_ARGUMENT', `MONGODB_URI ${redact(options.uri)} is invalid: ${(error as Error).message}`, {}, { cause: error });
  }
  const database = options.database ?? parts.database ?? 'frontier';
  try {
    await client.connect();
    const db = client.db(database);
    await createIndexes(db);
    return new MongoStore(client, db);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new StoreError(
      'UNAVAILABLE',
      `cannot use MongoDB at ${parts.hosts} (MONGODB_URI), database ${database}: ${(error as Error).message}`,
      { hosts: parts.hosts, database },
      { cause: error },
    );
  }
}

async function createIndexes(db: Db): Promise<void> {
  for (const [collection, indexes] of Object.entries(mongoIndexes) as [CollectionName, (typeof mongoIndexes)[CollectionName]][]) {
    if (indexes.length === 0) continue;
    await db.collection(collection).createIndexes(indexes.map((i) => ({ name: i.name, key: { ...i.key }, unique: i.unique ?? false })));
  }
}
