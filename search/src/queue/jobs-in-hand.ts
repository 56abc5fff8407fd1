import { WaitingError, type Job, type Worker } from 'bullmq';

/**
 * The jobs a worker holds, with their lock tokens, so that a worker shutting down at once can put
 * them back on the queue (BullMQ `moveToWait`) for another worker instead of leaving them to the
 * stalled check.
 */
export class JobsInHand {
  private readonly held = new Map<string, { job: Job; token: string }>();
  private readonly givenBack = new Set<string>();

  constructor(private readonly log: (line: string) => void) {}

  /** Wraps a processor so that the jobs it runs are known, and a job given back is left to the queue. */
  track<T>(processor: (job: Job, signal?: AbortSignal) => Promise<T>): (job: Job, token?: string, signal?: AbortSignal) => Promise<T> {
    return async (job, token, signal) => {
      const id = job.id!;
      this.held.set(id, { job, token: token ?? '' });
      try {
        return await processor(job, signal);
      } catch (err) {
        // Back on the queue already: BullMQ must neither fail nor complete it here.
        if (this.givenBack.has(id)) throw new WaitingError();
        throw err;
      } finally {
        this.held.delete(id);
      }
    };
  }

  /** Puts every job in hand back on the queue, then stops its evaluation. */
  async giveBack(worker: Worker): Promise<void> {
    for (const [id, { job, token }] of this.held) {
      this.givenBack.add(id);
      try {
        await job.moveToWait(token);
        this.log(`job ${id} put back on the queue`);
      } catch (err) {
        this.log(`job ${id} could not be put back (${(err as Error).message}); the stalled check will return it`);
      }
      worker.cancelJob(id, 'the worker is shutting down');
    }
  }
}
