// Candidate operations of the SQLite store. Every status change is one UPDATE … WHERE status = ?
// inside an IMMEDIATE transaction, so the compare-and-set holds across processes sharing the file.
import type { ArtifactFiles } from '../artifact-files.js';
import { newId } from '../new-id.js';
import type { SqliteDb } from './sqlite-db.js';
import { jsonText } from '../json.js';
import { candidateFromRow, jsonOrNull } from './sqlite-rows.js';
import type { CandidateRow } from './sqlite-rows.js';
import { conflict, notFound, StoreError } from '../store-error.js';
import {
  checkCandidateTransition,
  checkFraction,
  checkFrontMembers,
  checkMaxAttempts,
  checkNewCandidate,
  checkResult,
  retryLimitReason,
} from '../store-rules.js';
import type { FrontMemberFacts } from '../store-rules.js';
import type {
  Candidate,
  CandidateResult,
  CandidateStatus,
  CandidateTransition,
  DedupKey,
  FrontKey,
  NewCandidate,
  RequeueReport,
} from '../types.js';

const now = (): string => new Date().toISOString();

export class SqliteCandidates {
  constructor(
    private readonly db: SqliteDb,
    private readonly artifacts: ArtifactFiles,
  ) {}

  async insert(input: NewCandidate): Promise<Candidate> {
    checkNewCandidate(input);
    const recipe = jsonText('recipe', input.recipe);
    const id = newId();
    const status = input.status ?? 'PENDING';
    const time = now();
    this.db.write(() => {
      const run = this.db.get<{ model_id: string; sha256: string; dataset: string; device_id: string; next_seq: number }>(
        'SELECT r.model_id, m.sha256, r.dataset, r.device_id, r.next_seq FROM runs r JOIN models m ON m.id = r.model_id WHERE r.id = ?',
        input.runId,
      );
      if (!run) throw notFound('run', input.runId);
      this.db.run('UPDATE runs SET next_seq = next_seq + 1 WHERE id = ?', input.runId);
      this.db.run(
        `INSERT INTO candidates (id, run_id, seq, model_id, model_sha256, dataset, device_id, recipe, recipe_key, status,
           estimates, failure_reason, created_at, finished_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        id, input.runId, run.next_seq, run.model_id, run.sha256, run.dataset, run.device_id, recipe,
        input.recipeKey, status, jsonOrNull(input.estimates), input.reason ?? null, time, status === 'INFEASIBLE' ? time : null,
      );
    });
    return this.get(id);
  }

  async get(id: string): Promise<Candidate> {
    const row = this.db.get<CandidateRow>('SELECT * FROM candidates WHERE id = ?', id);
    if (!row) throw notFound('candidate', id);
    return candidateFromRow(row);
  }

  async getMany(ids: readonly string[]): Promise<Candidate[]> {
    const out: Candidate[] = [];
    for (const id of ids) out.push(await this.get(id));
    return out;
  }

  async list(filter: { readonly runId: string; readonly status?: readonly CandidateStatus[] }): Promise<Candidate[]> {
    const statuses = filter.status;
    const rows =
      statuses === undefined
        ? this.db.all<CandidateRow>('SELECT * FROM candidates WHERE run_id = ? ORDER BY seq', filter.runId)
        : this.db.all<CandidateRow>(
            `SELECT * FROM candidates WHERE run_id = ? AND status IN (${statuses.map(() => '?').join(', ')}) ORDER BY seq`,
            filter.runId,
            ...statuses,
          );
    return rows.map(candidateFromRow);
  }

  async transition(t: CandidateTransition): Promise<Candidate> {
    checkCandidateTransition(t);
    const time = now();
    const claim = t.from === 'PENDING' && t.to === 'RUNNING';
    const final = t.to === 'FAILED' || t.to === 'INFEASIBLE';
    return this.#compareAndSet(t.id, [t.from], () =>
      this.db.run(
        `UPDATE candidates SET status = ?, attempts = attempts + ?, started_at = coalesce(?, started_at),
           finished_at = ?, failure_reason = coalesce(?, failure_reason)
         WHERE id = ? AND status = ?`,
        t.to, claim ? 1 : 0, claim ? time : null, final ? time : null, final ? t.reason : null, t.id, t.from,
      ),
    );
  }

  async recordResult(r: CandidateResult): Promise<Candidate> {
    checkResult(r);
    if (!(await this.artifacts.has(r.artifactSha256))) {
      throw new StoreError('BAD_ARGUMENT', `artifact ${r.artifactSha256} of candidate ${r.id} is not stored: put it first`, {
        id: r.id,
        artifactSha256: r.artifactSha256,
      });
    }
    const from = r.from ?? 'RUNNING';
    return this.#compareAndSet(r.id, [from], () => {
      if (r.reusedFrom !== undefined) this.#checkReusable(r.reusedFrom);
      return this.db.run(
        `UPDATE candidates SET status = 'DONE', metrics = ?, artifact_sha256 = ?, provenance = ?, reused_from = ?,
           finished_at = ?
         WHERE id = ? AND status = ?`,
        JSON.stringify(r.metrics), r.artifactSha256, JSON.stringify(r.provenance), r.reusedFrom ?? null, now(), r.id, from,
      );
    });
  }

  async recordTestAccuracy(input: { readonly id: string; readonly accuracy: number }): Promise<Candidate> {
    checkFraction('accuracy', input.accuracy);
    return this.#compareAndSet(input.id, ['DONE'], () =>
      this.db.run(
        `UPDATE candidates SET metrics = json_set(metrics, '$.accuracy.test', ?) WHERE id = ? AND status = 'DONE'`,
        input.accuracy,
        input.id,
      ),
    );
  }

  async findReusable(key: DedupKey): Promise<Candidate | undefined> {
    const row = this.db.get<CandidateRow>(
      `SELECT * FROM candidates
       WHERE model_sha256 = ? AND dataset = ? AND device_id = ? AND recipe_key = ? AND status = 'DONE' AND reused_from IS NULL
       ORDER BY finished_at, id LIMIT 1`,
      key.modelSha256, key.dataset, key.deviceId, key.recipeKey,
    );
    return row ? candidateFromRow(row) : undefined;
  }

  async requeueInterrupted(maxAttempts: number): Promise<RequeueReport> {
    checkMaxAttempts(maxAttempts);
    const requeued: string[] = [];
    const failed: string[] = [];
    // One transaction: after a crash, either every interrupted candidate moved or none did.
    this.db.write(() => {
      const rows = this.db.all<{ id: string; attempts: number }>(
        `SELECT c.id, c.attempts FROM runs r JOIN candidates c ON c.run_id = r.id AND c.status = 'RUNNING'
         WHERE r.status = 'RUNNING' ORDER BY c.id`,
      );
      const time = now();
      for (const { id, attempts } of rows) {
        if (attempts >= maxAttempts) {
          this.db.run(
            `UPDATE candidates SET status = 'FAILED', failure_reason = ?, finished_at = ? WHERE id = ?`,
            retryLimitReason(attempts, maxAttempts), time, id,
          );
          failed.push(id);
        } else {
          this.db.run(`UPDATE candidates SET status = 'PENDING' WHERE id = ?`, id);
          requeued.push(id);
        }
      }
    });
    return { requeued: await this.getMany(requeued), failed: await this.getMany(failed) };
  }

  /** Throws BAD_ARGUMENT unless the members may form the front of `key` (call inside a write). */
  checkFrontMembers(key: FrontKey, memberIds: readonly string[]): void {
    const found: FrontMemberFacts[] = [];
    for (const id of memberIds) {
      const row = this.db.get<FrontMemberFacts>(
        'SELECT id, status, model_id AS modelId, dataset, device_id AS deviceId FROM candidates WHERE id = ?',
        id,
      );
      if (row) found.push(row);
    }
    checkFrontMembers(key, memberIds, found);
  }

  #checkReusable(sourceId: string): void {
    const source = this.db.get<{ status: CandidateStatus }>('SELECT status FROM candidates WHERE id = ?', sourceId);
    if (source?.status !== 'DONE') {
      throw new StoreError('BAD_ARGUMENT', `reusedFrom must name a DONE candidate, got ${sourceId} (${source?.status ?? 'unknown'})`, {
        reusedFrom: sourceId,
      });
    }
  }

  /**
   * Runs `update` (an UPDATE … WHERE id = ? AND status = ?) in a write transaction; if it changed
   * nothing, tells NOT_FOUND from CONFLICT. Returns the candidate as written.
   */
  #compareAndSet(id: string, expected: readonly CandidateStatus[], update: () => number): Promise<Candidate> {
    const row = this.db.write(() => {
      if (update() === 0) {
        const current = this.db.get<{ status: CandidateStatus }>('SELECT status FROM candidates WHERE id = ?', id);
        if (!current) throw notFound('candidate', id);
        throw conflict('candidate', id, expected, current.status);
      }
      return this.db.get<CandidateRow>('SELECT * FROM candidates WHERE id = ?', id)!;
    });
    return Promise.resolve(candidateFromRow(row));
  }
}
