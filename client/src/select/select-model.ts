import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { sha256Hex } from '@frontier/search';
import { FrontierClientError, isClientError } from '../api-client/client-error.js';
import type { Backend } from '../backend/backend.js';
import { openBackend, type BackendOptions } from '../backend/open-backend.js';
import { describeBackend, resolveDevice, resolveModel } from '../backend/resolve.js';
import { FrontQuery, SelectQuery, type CandidateView, type SelectionView } from '../graphql/documents.js';
import { formatLockFile, readLockFile, type LockFile, type Prefer, type SelectConstraints } from './lock-file.js';

export interface SelectOptions extends BackendOptions {
  /** The model: its id or name, or its .onnx file (or zoo name). Optional with `locked` (the lock's). */
  readonly model?: string;
  /** The device id. Optional with `locked` (the lock's). */
  readonly device?: string;
  /** Default `fashion-mnist`. */
  readonly dataset?: string;
  /** Limits, in the API's units (ms, KiB, fraction). */
  readonly constraints?: SelectConstraints;
  /** What wins among the candidates meeting every limit; default accuracy. Ties break deterministically. */
  readonly prefer?: Prefer | 'accuracy' | 'latency' | 'size';
  /** Where the chosen model file is written. */
  readonly out: string;
  /** A lock file: written after a selection, read with `locked`. */
  readonly lock?: string;
  /** Fetch exactly the artifact the lock file pins (default `frontier.lock.json`); never selects another. */
  readonly locked?: boolean;
}

/** A limit the nearest candidate misses, in the API's units. */
export type ConstraintMiss = NonNullable<SelectionView['unsatisfied']>[number];

/** The outcome of {@link select}: a model file written, or nothing meeting the limits (exit code 3 in the CLI). */
export type SelectResult =
  | {
      readonly status: 'selected';
      /** True when the artifact came from the lock file. */
      readonly locked: boolean;
      readonly out: string;
      /** What was chosen, and why (written to `lockPath` when one was given). */
      readonly lock: LockFile;
      readonly lockPath?: string;
      /** Things worth saying that are not failures (a front that changed since the lock). */
      readonly notes: readonly string[];
    }
  | {
      readonly status: 'unsatisfied';
      readonly model: { readonly id: string; readonly name: string };
      readonly device: string;
      readonly constraints: SelectConstraints;
      /** The candidate that comes nearest (smallest total relative violation), if the front has any. */
      readonly nearest: CandidateView | null;
      readonly unsatisfied: readonly ConstraintMiss[];
      readonly front: { readonly version: number; readonly digest: string };
    };

/** The default lock file of `locked`. */
export const DEFAULT_LOCK_FILE = 'frontier.lock.json';

/**
 * Selects the model file to ship for a device from the stored front — embedded (`dataDir`) or on a
 * server (`api`) — writes it to `out` and, with `lock`, a lock file pinning the criteria, the
 * candidate, its artifact sha256 and the front's digest. With `locked` it re-fetches exactly the
 * locked artifact, verified by its sha256, and fails if it is gone or changed. Errors reject with
 * a `FrontierClientError`; nothing meeting the limits is a result (`status: 'unsatisfied'`).
 *
 * ```js
 * import { select } from '@frontier/client';
 * const r = await select({ api: 'http://127.0.0.1:4000', model: 'fashion-cnn', device: 'stm32h7',
 *   constraints: { maxLatencyMs: 20, maxRamKb: 256 }, out: 'model.onnx', lock: 'frontier.lock.json' });
 * if (r.status === 'unsatisfied') process.exit(3);
 * ```
 */
export async function select(options: SelectOptions): Promise<SelectResult> {
  const backend = await openBackend(options);
  try {
    return await selectWith(backend, options);
  } finally {
    await backend.close();
  }
}

/** {@link select} on a backend already open (the CLI's). */
export async function selectWith(backend: Backend, o: SelectOptions): Promise<SelectResult> {
  return o.locked ? selectLocked(backend, o) : selectFresh(backend, o);
}

function preferOf(value: SelectOptions['prefer']): Prefer {
  const p = (value ?? 'ACCURACY').toUpperCase();
  if (p !== 'ACCURACY' && p !== 'LATENCY' && p !== 'SIZE') throw new FrontierClientError('BAD_USER_INPUT', `prefer must be accuracy, latency or size, got "${String(value)}"`);
  return p;
}

async function selectFresh(backend: Backend, o: SelectOptions): Promise<SelectResult> {
  if (!o.model || !o.device) throw new FrontierClientError('BAD_USER_INPUT', 'select needs a model and a device (or `locked` with a lock file)');
  const prefer = preferOf(o.prefer);
  const dataset = o.dataset ?? 'fashion-mnist';
  const constraints = o.constraints ?? {};
  const model = await resolveModel(backend, o.model);
  const device = await resolveDevice(backend, o.device);
  const { select: s } = await backend.request(SelectQuery, { modelId: model.id, deviceId: device.id, constraints, prefer, dataset });
  const front = { version: s.front.version, digest: s.front.digest };
  if (!s.candidate) {
    return { status: 'unsatisfied', model: { id: model.id, name: model.name }, device: device.id, constraints, nearest: s.nearest ?? null, unsatisfied: s.unsatisfied ?? [], front };
  }
  const c = s.candidate;
  const sha256 = c.artifact?.sha256;
  if (!sha256) throw new FrontierClientError('INTERNAL_SERVER_ERROR', `candidate ${c.id} was selected but has no model file`);
  const bytes = await fetchVerified(backend, sha256, `the model file of candidate ${c.id}`);
  writeAtomically(o.out, bytes);
  const lock: LockFile = {
    lockfileVersion: 1,
    criteria: { model: { id: model.id, name: model.name, sha256: model.sha256 }, device: device.id, dataset, constraints, prefer },
    candidate: {
      id: c.id,
      runId: c.run.id,
      recipe: c.recipe,
      metrics: { accuracy: c.accuracy, testAccuracy: c.testAccuracy, latency: c.latency ? { ms: c.latency.ms, source: c.latency.source, uncertainty: c.latency.uncertainty } : null, peakRamBytes: c.peakRamBytes, deployBytes: c.deployBytes, modelBytes: c.modelBytes },
    },
    artifact: { sha256, bytes: bytes.length },
    front,
  };
  if (o.lock) writeAtomically(o.lock, new TextEncoder().encode(formatLockFile(lock)));
  return { status: 'selected', locked: false, out: o.out, lock, ...(o.lock ? { lockPath: o.lock } : {}), notes: [] };
}

async function selectLocked(backend: Backend, o: SelectOptions): Promise<SelectResult> {
  const path = o.lock ?? DEFAULT_LOCK_FILE;
  const lock = readLockFile(path);
  await checkCriteria(backend, o, lock, path);
  const a = lock.artifact;
  const bytes = await fetchVerified(backend, a.sha256, `the locked model file (candidate ${lock.candidate.id}, ${path})`);
  writeAtomically(o.out, bytes);
  const notes: string[] = [];
  const { paretoFront: now } = await backend.request(FrontQuery, { modelId: lock.criteria.model.id, deviceId: lock.criteria.device, dataset: lock.criteria.dataset });
  if (now.digest !== lock.front.digest) {
    notes.push(`the front changed since ${path} was written (digest ${lock.front.digest.slice(0, 12)} → ${now.digest.slice(0, 12)}); the locked model is kept — select without --locked to choose again`);
  }
  return { status: 'selected', locked: true, out: o.out, lock, lockPath: path, notes };
}

/** Criteria given beside `locked` must be the lock's: a lock is never silently applied to other criteria. */
async function checkCriteria(backend: Backend, o: SelectOptions, lock: LockFile, path: string): Promise<void> {
  const c = lock.criteria;
  const differ = (what: string, given: string, locked: string) =>
    new FrontierClientError('BAD_USER_INPUT', `${path} was written for ${what} ${locked}, not ${given}: select without --locked to write a new lock`);
  if (o.model !== undefined) {
    const model = await resolveModel(backend, o.model).catch((err: unknown) => {
      if (isClientError(err, 'NOT_FOUND')) throw differ('model', o.model!, `${c.model.name} (${c.model.id})`);
      throw err;
    });
    if (model.sha256 !== c.model.sha256) throw differ('model', `${model.name} (${model.id})`, `${c.model.name} (${c.model.id})`);
  }
  if (o.device !== undefined && o.device !== c.device) throw differ('device', o.device, c.device);
  if (o.dataset !== undefined && o.dataset !== c.dataset) throw differ('dataset', o.dataset, c.dataset);
  if (o.prefer !== undefined && preferOf(o.prefer) !== c.prefer) throw differ('prefer', preferOf(o.prefer), c.prefer);
  if (o.model !== undefined || (o.constraints && Object.keys(o.constraints).length > 0)) {
    const given = JSON.stringify(sorted(o.constraints ?? {}));
    const locked = JSON.stringify(sorted(c.constraints));
    if (given !== locked) throw differ('limits', given, locked);
  }
}

function sorted(c: SelectConstraints): Record<string, number> {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function fetchVerified(backend: Backend, sha256: string, what: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await backend.artifact(sha256);
  } catch (err) {
    if (isClientError(err, 'NOT_FOUND')) throw new FrontierClientError('NOT_FOUND', `${what} is gone: no artifact ${sha256} in ${describeBackend(backend)}`);
    if (isClientError(err, 'INTEGRITY')) throw new FrontierClientError('INTEGRITY', `${what} changed: ${err.message}`);
    throw err;
  }
  // The backend checks too; this check is the one a lock file's promise rests on.
  const actual = sha256Hex(bytes);
  if (actual !== sha256) throw new FrontierClientError('INTEGRITY', `${what} changed: artifact ${sha256} hashes to ${actual}`);
  return bytes;
}

/** Writes a file whole or not at all (a build never sees half a model). */
function writeAtomically(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path) || '.', { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}
