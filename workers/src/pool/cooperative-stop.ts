// Cooperative cancellation of pooled tasks. Ending a worker thread while onnxruntime runs a model
// in it can abort the whole process (the run continues on a native thread over freed state), so a
// task that is cancelled or out of time is first asked to stop, and stops at its next onnxruntime
// call; only a task that does not (a loop that never calls onnxruntime) has its thread ended.
import { workerData } from 'node:worker_threads';
import { WorkersError } from '../errors.js';

/** Tasks of one pool that can be asked to stop at once; beyond them a cancel ends the thread. */
export const STOP_SLOTS = 256;

/** The flags a pool shares with its threads: slot i is 1 when the task holding it should stop. */
export function createStopFlags(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(STOP_SLOTS * Int32Array.BYTES_PER_ELEMENT));
}

/** In a pool thread: the flag of the task it runs (a thread runs one task at a time). */
let current: { readonly flags: Int32Array; readonly slot: number } | undefined;

/** In a pool thread: the task now running holds `slot` (or no slot, `undefined`). */
export function enterTask(slot: number | undefined): void {
  const flags = (workerData as { stopFlags?: Int32Array } | null)?.stopFlags;
  current = flags && slot !== undefined ? { flags, slot } : undefined;
}

/**
 * Throws `CANCELLED` when the running task was asked to stop. Every onnxruntime call in a pool
 * thread goes through it first, so a stop lands between two runs, never during one.
 */
export function throwIfStopRequested(): void {
  if (current && Atomics.load(current.flags, current.slot) !== 0) {
    throw new WorkersError('CANCELLED', 'the task was asked to stop');
  }
}
