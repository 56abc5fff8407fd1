import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ArtifactFiles } from '../artifact-files.js';
import { ArtifactDelegate } from '../artifact-delegate.js';
import { newId } from '../new-id.js';
import { SqliteCandidates } from './sqlite-candidates.js';
import { SqliteDb } from './sqlite-db.js';
import { jsonText } from '../json.js';
import { datasetFromRow, deviceFromRow, frontFromRow, modelFromRow, runFromRow, jsonOrNull } from './sqlite-rows.js';
import type { DatasetRow, DeviceRow, FrontRow, ModelRow, RunRow } from './sqlite-rows.js';
import type { Store } from '../store.js';
import { conflict, frontConflict, notFound, StoreError } from '../store-error.js';
import { checkNewDataset, checkNewDevice, checkNewModel, checkNewRun, checkRunFilter, checkRunUpdate, isFinalRunStatus, progressFromCounts, statusList } from '../store-rules.js';
import type {
  Candidate,
  CandidateResult,
  CandidateStatus,
  CandidateTransition,
  DatasetRecord,
  DedupKey,
  Device,
  Front,
  FrontKey,
  FrontReplacement,
  Model,
  NewCandidate,
  NewDatasetRecord,
  NewDevice,
  NewModel,
  NewRun,
  RequeueReport,
  Run,
  RunFilter,
  RunProgress,
  RunUpdate,
} from '../types.js';

export interface SqliteStoreOptions {
  /** Folder of `frontier.db` and `artifacts/`; created if missing. */
  readonly dataDir: string;
  /** How long a write waits for another process's lock before failing (default 5000 ms). */
  readonly busyTimeoutMs?: number;
}

/** The database file inside a data folder. */
export function sqliteDatabasePath(dataDir: string): string {
  return join(dataDir, 'frontier.db');
}

/**
 * Opens the embedded store: one SQLite file `<dataDir>/frontier.db` (WAL, synchronous = FULL) and
 * content-addressed artifact files under `<dataDir>/artifacts/`. Several processes may open the
 * same folder; SQLite's locks serialise their writes.
 * @throws StoreError UNAVAILABLE if the folder or database cannot be opened; CORRUPT if its
 * schema is newer than this code.
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  try {
    mkdirSync(join(options.dataDir, 'artifacts'), { recursive: true });
  } catch (error) {
    throw new StoreError('UNAVAILABLE', `cannot create data folder ${options.dataDir}: ${(error as Error).message}`, {
      dataDir: options.dataDir,
    });
  }
  const db = SqliteDb.open(sqliteDatabasePath(options.dataDir), options.busyTimeoutMs ?? 5000);
  return new SqliteStore(db, new ArtifactFiles(join(options.dataDir, 'artifacts')));
}

const now = (): string => new Date().toISOString();

class SqliteStore extends ArtifactDelegate implements Store {
  readonly kind = 'sqlite' as const;
  readonly #db: SqliteDb;
  protected readonly artifacts: ArtifactFiles;
  readonly #candidates: SqliteCandidates;

  constructor(db: SqliteDb, artifacts: ArtifactFiles) {
    super();
    this.#db = db;
    this.artifacts = artifacts;
    this.#candidates = new SqliteCandidates(db, artifacts);
  }

  async registerModel(input: NewModel): Promise<Model> {
    checkNewModel(input);
    const { sha256 } = await this.putArtifact(input.onnx);
    const existing = this.#db.get<ModelRow>('SELECT * FROM models WHERE sha256 = ?', sha256);
    if (existing) return modelFromRow(existing);
    const id = newId();
    // DO NOTHING + re-read: another process may register the same bytes at the same time.
    this.#db.run(
      `INSERT INTO models (id, name, sha256, input_shape, classes, params, macs, coverage, baseline, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
      id, input.name, sha256, jsonText('inputShape', input.inputShape), input.classes, input.params, input.macs,
      jsonText('coverage', input.coverage), jsonOrNull(input.baseline), now(),
    );
    return modelFromRow(this.#db.get<ModelRow>('SELECT * FROM models WHERE sha256 = ?', sha256)!);
  }

  async getModel(id: string): Promise<Model> {
    const row = this.#db.get<ModelRow>('SELECT * FROM models WHERE id = ?', id);
    if (!row) throw notFound('model', id);
    return modelFromRow(row);
  }

  async listModels(filter: { readonly name?: string } = {}): Promise<Model[]> {
    const rows =
      filter.name === undefined
        ? this.#db.all<ModelRow>('SELECT * FROM models ORDER BY name, id')
        : this.#db.all<ModelRow>('SELECT * FROM models WHERE name = ? ORDER BY id', filter.name);
    return rows.map(modelFromRow);
  }

  async registerDataset(input: NewDatasetRecord): Promise<DatasetRecord> {
    checkNewDataset(input);
    // DO NOTHING + re-read: the same content registered twice (or by two processes) is one dataset.
    this.#db.run(
      `INSERT INTO datasets (id, name, sha256, source, shape, classes, splits, preprocessing, report, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
      newId(), input.name, input.sha256, jsonText('source', input.source), jsonText('shape', input.shape), jsonText('classes', input.classes),
      jsonText('splits', input.splits), jsonText('preprocessing', input.preprocessing), jsonText('report', input.report), now(),
    );
    return datasetFromRow(this.#db.get<DatasetRow>('SELECT * FROM datasets WHERE sha256 = ?', input.sha256)!);
  }

  async getDataset(id: string): Promise<DatasetRecord> {
    const row = this.#db.get<DatasetRow>('SELECT * FROM datasets WHERE id = ?', id);
    if (!row) throw notFound('dataset', id);
    return datasetFromRow(row);
  }

  async listDatasets(filter: { readonly name?: string } = {}): Promise<DatasetRecord[]> {
    const rows =
      filter.name === undefined
        ? this.#db.all<DatasetRow>('SELECT * FROM datasets ORDER BY name, id')
        : this.#db.all<DatasetRow>('SELECT * FROM datasets WHERE name = ? ORDER BY id', filter.name);
    return rows.map(datasetFromRow);
  }

  async putDevice(input: NewDevice): Promise<Device> {
    checkNewDevice(input);
    const time = now();
    this.#db.run(
      `INSERT INTO devices (id, name, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, spec = excluded.spec, updated_at = excluded.updated_at`,
      input.id, input.name, jsonText('spec', input.spec), time, time,
    );
    return this.getDevice(input.id);
  }

  async getDevice(id: string): Promise<Device> {
    const row = this.#db.get<DeviceRow>('SELECT * FROM devices WHERE id = ?', id);
    if (!row) throw notFound('device', id);
    return deviceFromRow(row);
  }

  async listDevices(): Promise<Device[]> {
    return this.#db.all<DeviceRow>('SELECT * FROM devices ORDER BY name, id').map(deviceFromRow);
  }

  async createRun(input: NewRun): Promise<Run> {
    checkNewRun(input);
    const id = newId();
    this.#db.write(() => {
      if (!this.#db.get('SELECT 1 FROM models WHERE id = ?', input.modelId)) throw notFound('model', input.modelId);
      if (!this.#db.get('SELECT 1 FROM devices WHERE id = ?', input.deviceId)) throw notFound('device', input.deviceId);
      this.#db.run(
        `INSERT INTO runs (id, model_id, dataset, device_id, objectives, constraints, space, sampler, budget, seed, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'QUEUED', ?)`,
        id, input.modelId, input.dataset, input.deviceId, jsonText('objectives', input.objectives), jsonText('constraints', input.constraints),
        jsonText('space', input.space), jsonText('sampler', input.sampler), jsonText('budget', input.budget), input.seed, now(),
      );
    });
    return this.getRun(id);
  }

  async getRun(id: string): Promise<Run> {
    const row = this.#db.get<RunRow>('SELECT * FROM runs WHERE id = ?', id);
    if (!row) throw notFound('run', id);
    return runFromRow(row, this.#progress(id));
  }

  async listRuns(filter: RunFilter = {}): Promise<Run[]> {
    checkRunFilter(filter);
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status !== undefined) {
      const statuses = statusList(filter.status);
      where.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    if (filter.modelId !== undefined) {
      where.push('model_id = ?');
      params.push(filter.modelId);
    }
    if (filter.deviceId !== undefined) {
      where.push('device_id = ?');
      params.push(filter.deviceId);
    }
    const limit = filter.limit === undefined ? '' : ' LIMIT ?';
    if (filter.limit !== undefined) params.push(filter.limit);
    const sql = `SELECT * FROM runs${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC${limit}`;
    // One progress query per run: SQLite runs in-process, so many small queries are cheap
    // (https://www.sqlite.org/np1queryprob.html).
    return this.#db.all<RunRow>(sql, ...params).map((row) => runFromRow(row, this.#progress(row.id)));
  }

  async updateRun(update: RunUpdate): Promise<Run> {
    checkRunUpdate(update);
    const from = statusList(update.from);
    this.#db.write(() => {
      const row = this.#db.get<RunRow>('SELECT * FROM runs WHERE id = ?', update.id);
      if (!row) throw notFound('run', update.id);
      if (!from.includes(row.status)) throw conflict('run', update.id, from, row.status);
      const to = update.to ?? row.status;
      const time = now();
      this.#db.run(
        `UPDATE runs SET status = ?, elapsed_ms = ?, error = ?, started_at = ?, finished_at = ? WHERE id = ?`,
        to,
        update.elapsedMs ?? row.elapsed_ms,
        update.error ?? row.error,
        row.started_at ?? (to === 'RUNNING' ? time : null),
        row.finished_at ?? (isFinalRunStatus(to) ? time : null),
        update.id,
      );
    });
    return this.getRun(update.id);
  }

  insertCandidate(input: NewCandidate): Promise<Candidate> {
    return this.#candidates.insert(input);
  }
  getCandidate(id: string): Promise<Candidate> {
    return this.#candidates.get(id);
  }
  getCandidates(ids: readonly string[]): Promise<Candidate[]> {
    return this.#candidates.getMany(ids);
  }
  listCandidates(filter: { readonly runId: string; readonly status?: readonly CandidateStatus[] }): Promise<Candidate[]> {
    return this.#candidates.list(filter);
  }
  transitionCandidate(transition: CandidateTransition): Promise<Candidate> {
    return this.#candidates.transition(transition);
  }
  recordResult(result: CandidateResult): Promise<Candidate> {
    return this.#candidates.recordResult(result);
  }
  recordTestAccuracy(input: { readonly id: string; readonly accuracy: number }): Promise<Candidate> {
    return this.#candidates.recordTestAccuracy(input);
  }
  findReusableResult(key: DedupKey): Promise<Candidate | undefined> {
    return this.#candidates.findReusable(key);
  }
  requeueInterrupted(options: { readonly maxAttempts: number }): Promise<RequeueReport> {
    return this.#candidates.requeueInterrupted(options.maxAttempts);
  }

  async getFront(key: FrontKey): Promise<Front> {
    const row = this.#db.get<FrontRow>(
      'SELECT * FROM fronts WHERE model_id = ? AND dataset = ? AND device_id = ?',
      key.modelId, key.dataset, key.deviceId,
    );
    return row ? frontFromRow(row) : { ...key, memberIds: [], version: 0 };
  }

  async replaceFront(replacement: FrontReplacement): Promise<Front> {
    const { key, expectedVersion, memberIds } = replacement;
    this.#db.write(() => {
      this.#candidates.checkFrontMembers(key, memberIds);
      const current = this.#db.get<{ version: number }>(
        'SELECT version FROM fronts WHERE model_id = ? AND dataset = ? AND device_id = ?',
        key.modelId, key.dataset, key.deviceId,
      );
      const actual = current?.version ?? 0;
      if (actual !== expectedVersion) {
        throw frontConflict(key, expectedVersion, actual);
      }
      this.#db.run(
        `INSERT INTO fronts (model_id, dataset, device_id, member_ids, version, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (model_id, dataset, device_id) DO UPDATE SET
           member_ids = excluded.member_ids, version = excluded.version, updated_at = excluded.updated_at`,
        key.modelId, key.dataset, key.deviceId, JSON.stringify(memberIds), actual + 1, now(),
      );
    });
    return this.getFront(key);
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  protected assertOpen(): void {
    this.#checkOpen();
  }

  #checkOpen(): void {
    this.#db.checkOpen();
  }

  #progress(runId: string): RunProgress {
    const rows = this.#db.all<{ status: CandidateStatus; n: number; reused: number }>(
      'SELECT status, count(*) AS n, sum(reused_from IS NOT NULL) AS reused FROM candidates WHERE run_id = ? GROUP BY status',
      runId,
    );
    return progressFromCounts(Object.fromEntries(rows.map((r) => [r.status, r.n])), rows.reduce((s, r) => s + r.reused, 0));
  }
}

