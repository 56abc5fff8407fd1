import { TaskFailure, type CandidateOutput, type CandidateTask, type WorkerPool } from '@frontier/workers';
import { UnrecoverableError } from 'bullmq';
import type { DatasetSource } from './dataset-source.js';
import type { EvaluationJob, EvaluationResult } from './evaluation-job.js';
import { jobFailureReason } from './job-failure.js';
import type { ModelSource } from './model-source.js';
import type { RedisBlobs } from './redis-blobs.js';

export interface RunJob {
  readonly data: EvaluationJob;
  readonly signal: AbortSignal | undefined;
  readonly pool: WorkerPool<CandidateTask, CandidateOutput>;
  readonly models: ModelSource;
  readonly datasets: DatasetSource;
  readonly blobs: RedisBlobs;
  readonly dataDir: string;
}

/** Runs one validated job on the pool; a failure becomes BullMQ's final failure with the pool's kind. */
export async function runJob({ data, signal, pool, models, datasets, blobs, dataDir }: RunJob): Promise<EvaluationResult> {
  const options = signal ? { signal } : {};
  try {
    await datasets.ensure(data.dataset);
    if (data.kind === 'test') {
      const artifact = await blobs.get(data.artifactSha256);
      if (!artifact) throw new Error(`the compressed model ${data.artifactSha256} is not in Redis`);
      const out = await pool.run({ kind: 'test', artifact, dataset: data.dataset, dataDir }, options);
      if (out.kind !== 'test') throw new Error(`the pool answered a ${out.kind} task`);
      return { kind: 'test', accuracy: out.accuracy };
    }
    const bytes = await models.get(data.modelSha256);
    const task: CandidateTask = { ...data, model: { sha256: data.modelSha256, bytes }, dataDir };
    const out = await pool.run(task, options);
    if (out.kind !== 'evaluate') throw new Error(`the pool answered a ${out.kind} task`);
    const artifactSha256 = await blobs.put(out.artifact);
    return { kind: 'evaluate', metrics: out.metrics, artifactSha256, provenance: out.provenance };
  } catch (err) {
    if (err instanceof TaskFailure) throw new UnrecoverableError(jobFailureReason(err));
    const code = (err as { code?: unknown } | null)?.code;
    throw new UnrecoverableError(jobFailureReason({ kind: 'threw', message: err instanceof Error ? err.message : String(err), ...(typeof code === 'string' ? { code } : {}) }));
  }
}
