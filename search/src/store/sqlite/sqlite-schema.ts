import type Database from 'better-sqlite3';
import { StoreError } from '../store-error.js';

/**
 * Schema migrations of the SQLite store, in order. Migration i brings the schema from version i
 * to i + 1; the version lives in SQLite's `user_version` pragma. Never edit a released migration:
 * append a new one.
 *
 * Nested data (recipes, metrics, specs …) is kept in JSON text columns; the columns that queries
 * filter or sort on are real columns with indexes. Times are ISO 8601 UTC text, which sorts like
 * the instants it names.
 */
export const migrations: readonly string[] = [
  `
  CREATE TABLE models (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    sha256       TEXT NOT NULL UNIQUE,
    input_shape  TEXT NOT NULL,            -- JSON number[]
    classes      INTEGER NOT NULL,
    params       INTEGER NOT NULL,
    macs         INTEGER NOT NULL,
    coverage     TEXT NOT NULL,            -- JSON
    baseline     TEXT,                     -- JSON {dataset, accuracy}
    created_at   TEXT NOT NULL
  ) STRICT;
  CREATE INDEX models_by_name ON models (name, id);

  CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    spec         TEXT NOT NULL,            -- JSON object, defined by @frontier/workers
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
  ) STRICT;
  CREATE INDEX devices_by_name ON devices (name, id);

  CREATE TABLE runs (
    id           TEXT PRIMARY KEY,
    model_id     TEXT NOT NULL REFERENCES models (id),
    dataset      TEXT NOT NULL,
    device_id    TEXT NOT NULL REFERENCES devices (id),
    objectives   TEXT NOT NULL,            -- JSON
    constraints  TEXT NOT NULL,            -- JSON
    space        TEXT NOT NULL,            -- JSON
    sampler      TEXT NOT NULL,            -- JSON
    budget       TEXT NOT NULL,            -- JSON {evaluations?, seconds?}
    seed         INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'CANCELLED', 'FAILED')),
    next_seq     INTEGER NOT NULL DEFAULT 0,
    elapsed_ms   REAL NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    started_at   TEXT,
    finished_at  TEXT,
    error        TEXT
  ) STRICT;
  CREATE INDEX runs_by_status ON runs (status, id);
  CREATE INDEX runs_by_model ON runs (model_id, id);
  CREATE INDEX runs_by_device ON runs (device_id, id);

  CREATE TABLE candidates (
    id              TEXT PRIMARY KEY,
    run_id          TEXT NOT NULL REFERENCES runs (id),
    seq             INTEGER NOT NULL,
    model_id        TEXT NOT NULL,
    model_sha256    TEXT NOT NULL,
    dataset         TEXT NOT NULL,
    device_id       TEXT NOT NULL,
    recipe          TEXT NOT NULL,         -- JSON
    recipe_key      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'DONE', 'FAILED', 'INFEASIBLE')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    estimates       TEXT,                  -- JSON CandidateEstimates
    metrics         TEXT,                  -- JSON CandidateMetrics
    artifact_sha256 TEXT,
    provenance      TEXT,                  -- JSON Provenance
    reused_from     TEXT REFERENCES candidates (id),
    failure_reason  TEXT,
    created_at      TEXT NOT NULL,
    started_at      TEXT,
    finished_at     TEXT,
    UNIQUE (run_id, seq)
  ) STRICT;
  -- listCandidates, progress counts and requeueInterrupted filter by run and status.
  CREATE INDEX candidates_by_run_status ON candidates (run_id, status);
  -- findReusableResult: only original DONE results can be reused.
  CREATE INDEX candidates_reusable ON candidates (model_sha256, dataset, device_id, recipe_key, finished_at, id)
    WHERE status = 'DONE' AND reused_from IS NULL;

  CREATE TABLE fronts (
    model_id    TEXT NOT NULL,
    dataset     TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    member_ids  TEXT NOT NULL,             -- JSON string[]
    version     INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (model_id, dataset, device_id)
  ) STRICT;
  `,
  `
  CREATE TABLE datasets (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    sha256        TEXT NOT NULL UNIQUE,
    source        TEXT NOT NULL,           -- JSON {kind, path, labelsPath?}
    shape         TEXT NOT NULL,           -- JSON [C, H, W]
    classes       TEXT NOT NULL,           -- JSON [{name, count}]
    splits        TEXT NOT NULL,           -- JSON
    preprocessing TEXT NOT NULL,           -- JSON
    report        TEXT NOT NULL,           -- JSON
    created_at    TEXT NOT NULL
  ) STRICT;
  CREATE INDEX datasets_by_name ON datasets (name, id);
  `,
];

/**
 * Brings the database to the latest schema, one transaction per migration (a crash leaves it at
 * the last complete version). Refuses a database written by a newer Frontier.
 */
export function migrate(db: Database.Database, path: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new StoreError(
      'CORRUPT',
      `${path} has schema version ${current}; this Frontier knows versions up to ${migrations.length}: upgrade Frontier`,
      { path, version: current },
    );
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      // user_version takes no bound parameter; `version` is an integer we control.
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
