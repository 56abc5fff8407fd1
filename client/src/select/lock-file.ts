import { readFileSync } from 'node:fs';
import { FrontierClientError } from '../api-client/client-error.js';

/** The API's `ConstraintsInput`: latency in ms, memory in KiB, accuracy a fraction. */
export interface SelectConstraints {
  readonly maxLatencyMs?: number;
  readonly maxRamKb?: number;
  readonly maxFlashKb?: number;
  readonly minAccuracy?: number;
}

export type Prefer = 'ACCURACY' | 'LATENCY' | 'SIZE';

/**
 * `frontier.lock.json`: what a selection chose and why, so that a build fetches exactly the same
 * model file again (`--locked`). `front.digest` is the front's content version (sha256 over its
 * members' ids and artifact sha256s, see `frontDigest`); `front.version` the store's counter.
 */
export interface LockFile {
  readonly lockfileVersion: 1;
  readonly criteria: {
    readonly model: { readonly id: string; readonly name: string; readonly sha256: string };
    readonly device: string;
    readonly dataset: string;
    readonly constraints: SelectConstraints;
    readonly prefer: Prefer;
  };
  readonly candidate: {
    readonly id: string;
    readonly runId: string;
    readonly recipe: unknown;
    readonly metrics: {
      readonly accuracy: number | null;
      readonly testAccuracy: number | null;
      readonly latency: { readonly ms: number; readonly source: string; readonly uncertainty: number | null } | null;
      readonly peakRamBytes: number | null;
      readonly deployBytes: number | null;
      readonly modelBytes: number | null;
    };
  };
  readonly artifact: { readonly sha256: string; readonly bytes: number };
  readonly front: { readonly digest: string; readonly version: number };
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Reads and checks a lock file; a missing, unreadable or malformed one is BAD_USER_INPUT naming the problem. */
export function readLockFile(path: string): LockFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FrontierClientError('BAD_USER_INPUT', code === 'ENOENT' ? `no lock file ${path}: select once without --locked (with --lock ${path}) to write it` : `cannot read lock file ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new FrontierClientError('BAD_USER_INPUT', `lock file ${path} is not JSON: ${(err as Error).message}`);
  }
  const lock = json as Partial<LockFile> | null;
  if (!lock || typeof lock !== 'object' || lock.lockfileVersion !== 1) throw new FrontierClientError('BAD_USER_INPUT', `lock file ${path}: lockfileVersion must be 1`);
  if (!lock.artifact || typeof lock.artifact.sha256 !== 'string' || !SHA256.test(lock.artifact.sha256)) throw new FrontierClientError('BAD_USER_INPUT', `lock file ${path}: artifact.sha256 must be 64 lower-case hex digits`);
  if (!lock.criteria?.model?.id || typeof lock.criteria.device !== 'string') throw new FrontierClientError('BAD_USER_INPUT', `lock file ${path}: criteria.model and criteria.device are missing`);
  if (!lock.candidate?.id) throw new FrontierClientError('BAD_USER_INPUT', `lock file ${path}: candidate.id is missing`);
  return lock as LockFile;
}

/** The lock file's text: stable key order and a final newline, so equal selections write equal files. */
export function formatLockFile(lock: LockFile): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}
