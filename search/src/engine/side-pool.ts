import {
  TaskFailure,
  WorkerPool,
  WorkersError,
  candidateWorkerUrl,
  type CandidateOutput,
  type CandidateTask,
  type DeviceSpec,
  type PoolDataset,
  type PrepareDatasetOptions,
  type PreparedDataset,
  type Recipe,
  type WorkersErrorCode,
} from '@frontier/workers';
import type { PreScreen } from './screen.js';

/**
 * One worker thread of the service's own, beside the run's dispatcher, for the work that must not
 * block the event loop but is not a candidate evaluation: the pre-screen estimate of each proposal
 * (its kernels include an onnxruntime calibration session), a registered model's baseline
 * accuracy (all images loaded and a full `val` pass) and a dataset's registration (decoding,
 * reordering and hashing every image). It runs Frontier's one worker entry.
 */
export class SidePool {
  private readonly pool = new WorkerPool<CandidateTask, CandidateOutput>({ filename: candidateWorkerUrl, maxThreads: 1 });

  /** The pre-screen of a recipe on a device; a device that cannot run it comes back as `unsupported`. */
  async estimate(o: { model: { sha256: string; bytes: Uint8Array }; recipe: Recipe; device: DeviceSpec }): Promise<PreScreen> {
    const out = await this.run({ kind: 'estimate', ...o });
    if (out.kind !== 'estimate') throw new Error(`the worker answered a ${out.kind} task`);
    const e = out.estimate;
    const estimates = { ...(e.latencyMs !== undefined ? { latencyMs: e.latencyMs } : {}), peakRamBytes: e.peakRamBytes, deployBytes: e.deployBytes, params: e.params, macs: e.macs };
    return e.unsupported !== undefined ? { estimates, unsupported: e.unsupported } : { estimates };
  }

  /** Top-1 accuracy of an uncompressed model on `val`. */
  async baseline(o: { model: Uint8Array; dataset: PoolDataset; dataDir: string }): Promise<number> {
    const out = await this.run({ kind: 'baseline', ...o });
    if (out.kind !== 'baseline') throw new Error(`the worker answered a ${out.kind} task`);
    return out.accuracy;
  }

  /** A user's dataset read, checked, split and written to the cache, on the worker thread. */
  async prepareDataset(options: PrepareDatasetOptions): Promise<PreparedDataset> {
    const out = await this.run({ kind: 'prepare-dataset', options });
    if (out.kind !== 'prepare-dataset') throw new Error(`the worker answered a ${out.kind} task`);
    return out.prepared;
  }

  close(): Promise<void> {
    return this.pool.close(true);
  }

  /** Runs a task; a `WorkersError` the worker threw is thrown again here, with its code. */
  private async run(task: CandidateTask): Promise<CandidateOutput> {
    try {
      return await this.pool.run(task);
    } catch (err) {
      if (err instanceof TaskFailure && err.code !== undefined) throw new WorkersError(err.code as WorkersErrorCode, err.message, { ...err.details });
      throw err;
    }
  }
}
