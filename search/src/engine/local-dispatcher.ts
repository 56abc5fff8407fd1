import {
  TaskFailure,
  WorkerPool,
  candidateWorkerUrl,
  type CandidateOutput,
  type CandidateTask,
  type DeviceSpec,
  type EvaluateTask,
  type PoolDataset,
  type Recipe,
} from '@frontier/workers';
import { DispatchFailure, type Dispatcher, type EvaluationOutcome } from './dispatcher.js';

export interface LocalDispatcherOptions {
  readonly model: { readonly sha256: string; readonly bytes: Uint8Array };
  readonly dataset: PoolDataset;
  readonly dataDir: string;
  readonly device: DeviceSpec;
  /** Pool threads; default the machine's cores. */
  readonly threads?: number;
  /** Per-candidate time limit. Default 30 minutes (distillation of a large model takes minutes). */
  readonly taskTimeoutMs?: number;
  /** V8 heap limit per thread. Default 4096 MB. */
  readonly maxOldGenerationSizeMb?: number;
  /** Host latency measurement: single-image runs. */
  readonly latency?: EvaluateTask['latency'];
  /** The worker entry; tests substitute one that misbehaves on purpose. Default Frontier's. */
  readonly workerUrl?: URL;
  /**
   * A pool shared with other runs (a server runs several at once). Its FIFO queue interleaves the
   * runs' tasks, each run keeping at most `pool.threads` in flight. The dispatcher does not close it;
   * the thread, timeout and memory options above then do not apply.
   */
  readonly pool?: WorkerPool<CandidateTask, CandidateOutput>;
}

/**
 * The dispatcher of one machine: candidate evaluations run on an in-process Piscina pool, one
 * single-threaded onnxruntime session per thread. A task that throws, ends its thread, exceeds its
 * memory or time becomes a `DispatchFailure`, and the pool goes on serving.
 */
export class LocalDispatcher implements Dispatcher {
  private readonly pool: WorkerPool<CandidateTask, CandidateOutput>;
  private readonly ownsPool: boolean;

  constructor(private readonly options: LocalDispatcherOptions) {
    this.ownsPool = options.pool === undefined;
    this.pool = options.pool ?? createCandidatePool(options);
  }

  get capacity(): number {
    return this.pool.threads;
  }

  async evaluate(recipe: Recipe, { seed, signal }: { seed: number; signal?: AbortSignal }): Promise<EvaluationOutcome> {
    const o = this.options;
    const task: CandidateTask = {
      kind: 'evaluate',
      model: o.model,
      recipe,
      dataset: o.dataset,
      dataDir: o.dataDir,
      device: o.device,
      seed,
      ...(o.latency ? { latency: o.latency } : {}),
    };
    const out = await this.run(task, signal);
    if (out.kind !== 'evaluate') throw new DispatchFailure('threw', `the worker answered a ${out.kind} task`);
    return { metrics: out.metrics, artifact: out.artifact, provenance: out.provenance };
  }

  async evaluateTest(artifact: Uint8Array, { signal }: { signal?: AbortSignal }): Promise<number> {
    const out = await this.run({ kind: 'test', artifact, dataset: this.options.dataset, dataDir: this.options.dataDir }, signal);
    if (out.kind !== 'test') throw new DispatchFailure('threw', `the worker answered a ${out.kind} task`);
    return out.accuracy;
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close(true);
  }

  private async run(task: CandidateTask, signal: AbortSignal | undefined): Promise<CandidateOutput> {
    try {
      return await this.pool.run(task, signal ? { signal } : {});
    } catch (err) {
      if (err instanceof TaskFailure) throw new DispatchFailure(err.kind, err.message, err.code !== undefined ? { code: err.code } : {});
      throw new DispatchFailure('threw', err instanceof Error ? err.message : String(err));
    }
  }
}

/** The worker pool that evaluates candidates, with Frontier's worker entry and limits. */
export function createCandidatePool(options: Pick<LocalDispatcherOptions, 'threads' | 'taskTimeoutMs' | 'maxOldGenerationSizeMb' | 'workerUrl'> = {}): WorkerPool<CandidateTask, CandidateOutput> {
  return new WorkerPool<CandidateTask, CandidateOutput>({
    filename: options.workerUrl ?? candidateWorkerUrl,
    ...(options.threads !== undefined ? { maxThreads: options.threads } : {}),
    taskTimeoutMs: options.taskTimeoutMs ?? 30 * 60_000,
    maxOldGenerationSizeMb: options.maxOldGenerationSizeMb ?? 4096,
  });
}
