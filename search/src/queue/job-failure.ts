import { DispatchFailure, type DispatchFailureKind } from '../engine/dispatcher.js';

const KINDS: readonly DispatchFailureKind[] = ['threw', 'exited', 'memory', 'timeout', 'cancelled'];

/**
 * The reason a worker gives when an evaluation fails: `<kind>: <message>`, or
 * `<kind> (<CODE>): <message>` when the error had a public code — the pool's failure, readable
 * by people in BullMQ's tools and read back by {@link failureOfJob}.
 */
export function jobFailureReason(failure: { readonly kind: DispatchFailureKind; readonly message: string; readonly code?: string | undefined }): string {
  return `${failure.kind}${failure.code !== undefined ? ` (${failure.code})` : ''}: ${failure.message}`;
}

/**
 * The dispatcher's failure for a failed job. A worker's reason names the pool's failure kind (and
 * code); a job that BullMQ failed itself after losing its worker too often ("job stalled more than
 * allowable limit") is an `exited` failure; anything else is `threw`.
 */
export function failureOfJob(failedReason: string): DispatchFailure {
  const m = /^(\w+)(?: \(([A-Z_]+)\))?: ([\s\S]*)$/.exec(failedReason);
  if (m && (KINDS as readonly string[]).includes(m[1]!)) return new DispatchFailure(m[1] as DispatchFailureKind, m[3]!, m[2] !== undefined ? { code: m[2] } : {});
  if (/stalled/.test(failedReason)) return new DispatchFailure('exited', `the worker process running it was lost too often (${failedReason})`);
  return new DispatchFailure('threw', failedReason);
}
