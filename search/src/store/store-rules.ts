// Rules every adapter applies the same way: status machines and input validation. Adapters call
// these before writing, so both reject the same inputs with the same messages.
import { StoreError } from './store-error.js';
import type {
  CandidateMetrics,
  CandidateResult,
  CandidateStatus,
  CandidateTransition,
  NewCandidate,
  NewDatasetRecord,
  NewDevice,
  NewModel,
  NewRun,
  RunFilter,
  RunProgress,
  RunStatus,
  RunUpdate,
} from './types.js';

const RUN_NEXT: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  QUEUED: ['RUNNING', 'CANCELLED', 'FAILED'],
  RUNNING: ['RUNNING', 'DONE', 'CANCELLED', 'FAILED'],
  DONE: [],
  CANCELLED: [],
  FAILED: [],
};

const CANDIDATE_NEXT: Readonly<Record<CandidateStatus, readonly CandidateStatus[]>> = {
  PENDING: ['RUNNING', 'INFEASIBLE', 'FAILED', 'DONE'],
  RUNNING: ['DONE', 'FAILED', 'PENDING'],
  DONE: [],
  FAILED: [],
  INFEASIBLE: [],
};

/** Final run statuses: reaching one sets `finishedAt`. */
export function isFinalRunStatus(status: RunStatus): boolean {
  return RUN_NEXT[status].length === 0;
}

/** The list form of a `from` that may be one status or several. */
export function statusList<S extends string>(from: S | readonly S[]): readonly S[] {
  return typeof from === 'string' ? [from] : (from);
}

/** Checks a run update's shape and that every `from` may move to `to`. */
export function checkRunUpdate(update: RunUpdate): void {
  const from = statusList(update.from);
  if (from.length === 0) throw bad('from', 'must name at least one run status', update.from);
  if (update.to !== undefined) {
    for (const f of from) {
      if (f !== update.to && !RUN_NEXT[f].includes(update.to)) {
        throw new StoreError('BAD_ARGUMENT', `run ${update.id}: cannot go from ${f} to ${update.to}`, { from: f, to: update.to });
      }
    }
  }
  if (update.to === 'FAILED' && !update.error) throw bad('error', 'is required when a run becomes FAILED', update.error);
  if (update.elapsedMs !== undefined) checkCount('elapsedMs', update.elapsedMs, false);
}

/** Checks a candidate transition against the status machine. */
export function checkCandidateTransition(t: CandidateTransition): void {
  if (t.to === ('DONE' as string)) throw bad('to', 'DONE is reached through recordResult only', t.to);
  if (!CANDIDATE_NEXT[t.from]?.includes(t.to)) {
    throw new StoreError('BAD_ARGUMENT', `candidate ${t.id}: cannot go from ${t.from} to ${t.to}`, { from: t.from, to: t.to });
  }
  if ((t.to === 'FAILED' || t.to === 'INFEASIBLE') && !t.reason) throw bad('reason', `is required for ${t.to}`, t.reason);
}

export function checkNewDataset(d: NewDatasetRecord): void {
  if (!d.name) throw bad('name', 'must be a non-empty string', d.name);
  if (!/^[0-9a-f]{64}$/.test(d.sha256)) throw bad('sha256', 'must be 64 lower-case hex digits', d.sha256);
  if (d.shape.length !== 3 || !d.shape.every((x) => Number.isInteger(x) && x > 0)) throw bad('shape', 'must be three positive integers [C, H, W]', d.shape);
  if (d.classes.length < 2) throw bad('classes', 'must list at least two classes', d.classes.length);
  for (const c of d.classes) {
    if (!c.name) throw bad('classes[].name', 'must be a non-empty string', c.name);
    checkCount('classes[].count', c.count);
  }
  for (const key of ['source', 'splits', 'preprocessing', 'report'] as const) {
    if (typeof d[key] !== 'object' || d[key] === null || Array.isArray(d[key])) throw bad(key, 'must be a JSON object', d[key]);
  }
}

export function checkNewModel(m: NewModel): void {
  if (!m.name) throw bad('name', 'must be a non-empty string', m.name);
  if (!(m.onnx instanceof Uint8Array) || m.onnx.length === 0) throw bad('onnx', 'must be non-empty bytes', m.onnx?.length);
  if (m.inputShape.length === 0 || !m.inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw bad('inputShape', 'must be positive integers', m.inputShape);
  }
  if (!Number.isInteger(m.classes) || m.classes < 1) throw bad('classes', 'must be an integer ≥ 1', m.classes);
  checkCount('params', m.params);
  checkCount('macs', m.macs);
  if (m.baseline) checkFraction('baseline.accuracy', m.baseline.accuracy);
}

export function checkNewDevice(d: NewDevice): void {
  if (!d.id) throw bad('device id', 'must be a non-empty string', d.id);
  if (!d.name) throw bad('device name', 'must be a non-empty string', d.name);
  if (typeof d.spec !== 'object' || d.spec === null || Array.isArray(d.spec)) throw bad('device spec', 'must be a JSON object', d.spec);
}

export function checkNewRun(r: NewRun): void {
  if (!r.dataset) throw bad('dataset', 'must be a non-empty string', r.dataset);
  const { evaluations, seconds } = r.budget;
  if (evaluations === undefined && seconds === undefined) throw bad('budget', 'needs evaluations or seconds', r.budget);
  if (evaluations !== undefined && (!Number.isInteger(evaluations) || evaluations < 1)) {
    throw bad('budget.evaluations', 'must be an integer ≥ 1', evaluations);
  }
  if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) throw bad('budget.seconds', 'must be > 0', seconds);
  if (!Number.isSafeInteger(r.seed) || r.seed < 0) throw bad('seed', 'must be a non-negative safe integer', r.seed);
}

export function checkRunFilter(f: RunFilter): void {
  // Mongo reads limit(0) as "no limit"; so does this contract's silence, so require ≥ 1.
  if (f.limit !== undefined && (!Number.isSafeInteger(f.limit) || f.limit < 1)) throw bad('limit', 'must be an integer ≥ 1', f.limit);
  if (f.status !== undefined && statusList(f.status).length === 0) throw bad('status', 'must name at least one run status', f.status);
}

export function checkNewCandidate(c: NewCandidate): void {
  if (!c.recipeKey) throw bad('recipeKey', 'must be a non-empty string', c.recipeKey);
  const status = c.status ?? 'PENDING';
  if (status !== 'PENDING' && status !== 'INFEASIBLE') throw bad('status', 'must be PENDING or INFEASIBLE', status);
  if (status === 'INFEASIBLE' && !c.reason) throw bad('reason', 'is required for an INFEASIBLE candidate', c.reason);
}

export function checkResult(r: CandidateResult): void {
  checkSha256('artifactSha256', r.artifactSha256);
  checkMetrics(r.metrics);
  const from = r.from ?? 'RUNNING';
  if (from !== 'RUNNING' && from !== 'PENDING') throw bad('from', 'must be RUNNING or PENDING', from);
}

function checkMetrics(m: CandidateMetrics): void {
  checkFraction('metrics.accuracy.val', m.accuracy.val);
  if (m.accuracy.test !== undefined) checkFraction('metrics.accuracy.test', m.accuracy.test);
  if (!(Number.isFinite(m.latency.ms) && m.latency.ms >= 0)) throw bad('metrics.latency.ms', 'must be ≥ 0', m.latency.ms);
  if (m.latency.source !== 'MEASURED' && m.latency.source !== 'PREDICTED') {
    throw bad('metrics.latency.source', 'must be MEASURED or PREDICTED', m.latency.source);
  }
  for (const field of ['peakRamBytes', 'modelBytes', 'deployBytes', 'params', 'nonzeroParams', 'macs'] as const) {
    checkCount(`metrics.${field}`, m[field]);
  }
}

export function checkFraction(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0 && value <= 1)) throw bad(name, 'must be in [0, 1]', value);
}

export function checkMaxAttempts(maxAttempts: number): void {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw bad('maxAttempts', 'must be an integer ≥ 1', maxAttempts);
}

const SHA256 = /^[0-9a-f]{64}$/;

export function checkSha256(name: string, value: string): void {
  if (typeof value !== 'string' || !SHA256.test(value)) throw bad(name, 'must be 64 lower-case hex digits', value);
}

function checkCount(name: string, value: number, integer = true): void {
  const ok = integer ? Number.isSafeInteger(value) : Number.isFinite(value);
  if (!ok || value < 0) throw bad(name, `must be a non-negative ${integer ? 'integer' : 'number'}`, value);
}

function bad(name: string, rule: string, value: unknown): StoreError {
  return new StoreError('BAD_ARGUMENT', `${name} ${rule}, got ${JSON.stringify(value)}`, { parameter: name, value });
}

/** The reason written on a candidate that reached the retry limit. */
export function retryLimitReason(attempts: number, maxAttempts: number): string {
  return `evaluation interrupted ${attempts} time(s); retry limit is ${maxAttempts} attempt(s)`;
}

/** Progress from per-status counts (and the count of reused results). */
export function progressFromCounts(counts: Partial<Record<CandidateStatus, number>>, reused: number): RunProgress {
  const pending = counts.PENDING ?? 0;
  const running = counts.RUNNING ?? 0;
  const done = counts.DONE ?? 0;
  const failed = counts.FAILED ?? 0;
  const infeasible = counts.INFEASIBLE ?? 0;
  return { total: pending + running + done + failed + infeasible, pending, running, done, failed, infeasible, reused };
}

/** What a front check needs to know of each member. */
export interface FrontMemberFacts {
  readonly id: string;
  readonly status: CandidateStatus;
  readonly modelId: string;
  readonly dataset: string;
  readonly deviceId: string;
}

/**
 * Checks that front members are distinct DONE candidates of the front's model, dataset and device.
 * `found` holds what the database returned for `memberIds` (missing ids are absent).
 */
export function checkFrontMembers(
  key: { readonly modelId: string; readonly dataset: string; readonly deviceId: string },
  memberIds: readonly string[],
  found: readonly FrontMemberFacts[],
): void {
  if (new Set(memberIds).size !== memberIds.length) throw bad('memberIds', 'must not repeat an id', memberIds);
  const byId = new Map(found.map((f) => [f.id, f]));
  for (const id of memberIds) {
    const member = byId.get(id);
    if (!member) throw bad('memberIds', 'must name stored candidates', id);
    if (member.status !== 'DONE') throw bad('memberIds', `must name DONE candidates; ${id} is ${member.status}`, id);
    if (member.modelId !== key.modelId || member.dataset !== key.dataset || member.deviceId !== key.deviceId) {
      throw bad(
        'memberIds',
        `must be candidates of model ${key.modelId}, dataset ${key.dataset}, device ${key.deviceId}; ` +
          `${id} is of model ${member.modelId}, dataset ${member.dataset}, device ${member.deviceId}`,
        id,
      );
    }
  }
}
