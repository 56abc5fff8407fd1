// The module every WorkerPool thread loads: it imports the pool's handler and returns what the
// handler throws as data, so that an error's `code` and `details` cross the thread boundary intact
// (a thrown error would reach the main thread as a bare message).
import { workerData } from 'node:worker_threads';
import { enterTask } from './cooperative-stop.js';
import { taskError } from './task-error.js';

const { handler } = workerData as { handler: string };
const mod = (await import(handler)) as { default: (task: unknown) => unknown };

/** What the pool sends: the task, and the stop flag slot it holds (see cooperative-stop.ts). */
export interface PoolEnvelope {
  readonly task: unknown;
  readonly slot?: number;
}

export default async function handle({ task, slot }: PoolEnvelope): Promise<unknown> {
  enterTask(slot);
  try {
    return await mod.default(task);
  } catch (err) {
    return taskError(err);
  } finally {
    enterTask(undefined);
  }
}
