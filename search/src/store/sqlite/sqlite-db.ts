import Database from 'better-sqlite3';
import { migrate } from './sqlite-schema.js';
import { StoreError } from '../store-error.js';

/**
 * One better-sqlite3 connection with the settings the store's contract relies on, a cache of
 * prepared statements, and CLOSED errors after `close`.
 */
export class SqliteDb {
  #db: Database.Database | undefined;
  readonly #statements = new Map<string, Database.Statement>();

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Opens (creating if needed) the database file and brings its schema up to date. */
  static open(path: string, busyTimeoutMs: number): SqliteDb {
    let db: Database.Database;
    try {
      // `timeout` is SQLite's busy_timeout: a writer waits this long for another process's lock.
      db = new Database(path, { timeout: busyTimeoutMs });
    } catch (error) {
      throw new StoreError('UNAVAILABLE', `cannot open SQLite database ${path}: ${(error as Error).message}`, { path }, { cause: error });
    }
    try {
      // WAL: readers never block the writer, and a commit is one append to the log.
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new StoreError('UNAVAILABLE', `${path}: SQLite refused WAL mode (got ${String(mode)})`, { path });
      // FULL, not NORMAL: with WAL, NORMAL survives a process crash but may lose the last commits on
      // a power loss, because it fsyncs the log only at checkpoints. The contract promises that a
      // recorded result is durable when recordResult resolves, so every commit fsyncs the log. It
      // costs one fsync per write, small beside the seconds one candidate takes to evaluate.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db, path);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SqliteDb(db);
  }

  get<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.#statement(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, ...params: unknown[]): T[] {
    return this.#statement(sql).all(...params) as T[];
  }

  /** Runs a write; returns how many rows it changed. */
  run(sql: string, ...params: unknown[]): number {
    return this.#statement(sql).run(...params).changes;
  }

  /**
   * Runs `fn` in one transaction, begun IMMEDIATE: it takes the write lock first, so a
   * read-then-write never fails half-way because another process wrote in between.
   */
  write<R>(fn: () => R): R {
    return this.#open().transaction(fn).immediate();
  }

  /** @throws StoreError CLOSED after `close`. */
  checkOpen(): void {
    this.#open();
  }

  close(): void {
    this.#db?.close();
    this.#db = undefined;
    this.#statements.clear();
  }

  #statement(sql: string): Database.Statement {
    const db = this.#open();
    const cached = this.#statements.get(sql);
    if (cached) return cached;
    const statement: Database.Statement = db.prepare(sql);
    this.#statements.set(sql, statement);
    return statement;
  }

  #open(): Database.Database {
    if (!this.#db) throw new StoreError('CLOSED', 'the SQLite store is closed');
    return this.#db;
  }
}
