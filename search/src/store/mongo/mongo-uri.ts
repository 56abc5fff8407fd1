import { StoreError } from '../store-error.js';

/** What a MongoDB connection string names, without its credentials. */
export interface MongoUriParts {
  /** `host:port` list as written, e.g. `db1:27017,db2:27017` or `cluster0.example.net` (SRV). */
  readonly hosts: string;
  /** The database in the path, if any. */
  readonly database?: string;
}

/**
 * Reads the hosts and database of a `mongodb://` or `mongodb+srv://` connection string
 * (https://www.mongodb.com/docs/manual/reference/connection-string/), so that errors can name the
 * server without printing a password.
 * @throws StoreError BAD_ARGUMENT for another scheme or no host.
 */
export function parseMongoUri(uri: string): MongoUriParts {
  const match = /^mongodb(?:\+srv)?:\/\/([^/?#]*)(?:\/([^?#]*))?/.exec(uri);
  if (!match) {
    throw new StoreError('BAD_ARGUMENT', `MONGODB_URI must start with mongodb:// or mongodb+srv://, got ${JSON.stringify(redact(uri))}`);
  }
  const authority = match[1]!;
  // Credentials end at the last '@' (a password may not contain an unescaped '@', but be safe).
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  if (hosts === '') throw new StoreError('BAD_ARGUMENT', `MONGODB_URI names no host: ${JSON.stringify(redact(uri))}`);
  const database = match[2] ? decodeURIComponent(match[2]) : undefined;
  return database ? { hosts, database } : { hosts };
}

/** The connection string with any `user:password@` replaced by `***@`. */
export function redact(uri: string): string {
  return uri.replace(/^([a-z+]+:\/\/)[^/?#]*@/i, '$1***@');
}
