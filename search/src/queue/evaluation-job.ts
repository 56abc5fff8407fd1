import { createHash } from 'node:crypto';
import {
  parseRecipe,
  recipeKey,
  show,
  validateDeviceSpec,
  type CandidateMetrics,
  type DeviceSpec,
  type EvaluateTask,
  type PoolDataset,
  type Provenance,
  type Recipe,
} from '@frontier/workers';
import { SearchError } from '../errors.js';

/**
 * The dataset a queued evaluation names: the built-in one, or a registered one by its provenance
 * hash — whose cache file a worker reads from its own data folder (a shared FRONTIER_DATA, the
 * dataset registered on that machine too, or downloaded once from the API by `DatasetSource`),
 * refusing a file that does not hash to it.
 */
type JobDataset = PoolDataset;

/** One candidate to compress and measure: everything but the model's bytes, which travel by sha256. */
export interface EvaluateJob {
  readonly kind: 'evaluate';
  readonly modelSha256: string;
  readonly recipe: Recipe;
  readonly dataset: JobDataset;
  readonly device: DeviceSpec;
  readonly seed: number;
  readonly latency?: EvaluateTask['latency'];
}

/** Top-1 accuracy of a compressed model (a blob named by sha256) on the `test` split. */
export interface TestJob {
  readonly kind: 'test';
  readonly artifactSha256: string;
  readonly dataset: JobDataset;
}

/** What the queue carries to a `frontier worker`. */
export type EvaluationJob = EvaluateJob | TestJob;

/** What a worker hands back: figures and the sha256 of the compressed model it stored in Redis. */
export type EvaluationResult =
  | { readonly kind: 'evaluate'; readonly metrics: CandidateMetrics; readonly artifactSha256: string; readonly provenance: Provenance }
  | { readonly kind: 'test'; readonly accuracy: number };

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Checks a job that arrived over the queue (written by another process, maybe another version) and
 * returns it typed; the recipe and device spec go through their own validators. Throws a
 * `SearchError` (BAD_ARGUMENT) naming the first bad field and its value.
 */
export function parseEvaluationJob(value: unknown): EvaluationJob {
  const o = record(value, 'job');
  const kind = o['kind'];
  if (kind === 'test') {
    only(o, ['kind', 'artifactSha256', 'dataset']);
    return { kind, artifactSha256: sha256(o['artifactSha256'], 'job.artifactSha256'), dataset: dataset(o['dataset']) };
  }
  if (kind !== 'evaluate') throw bad(`job.kind must be "evaluate" or "test", got ${show(kind)}`);
  only(o, ['kind', 'modelSha256', 'recipe', 'dataset', 'device', 'seed', 'latency']);
  const seed = o['seed'];
  if (!Number.isInteger(seed) || (seed as number) < 0 || (seed as number) > 0xffffffff) {
    throw bad(`job.seed must be an integer in [0, 2^32), got ${show(seed)}`);
  }
  return {
    kind,
    modelSha256: sha256(o['modelSha256'], 'job.modelSha256'),
    recipe: parseRecipe(o['recipe']),
    dataset: dataset(o['dataset']),
    device: validateDeviceSpec(o['device']),
    seed: seed as number,
    ...(o['latency'] !== undefined ? { latency: latency(o['latency']) } : {}),
  };
}

/**
 * The queue's job id of an evaluation: a hash of everything that determines its outcome. The same
 * evaluation enqueued twice (an engine that restarted and dispatched a candidate again) is one job,
 * which BullMQ adds once; its result reaches both waiters.
 */
export function evaluationJobId(job: EvaluationJob): string {
  const identity = job.kind === 'test' ? job : { ...job, recipe: recipeKey(job.recipe) };
  return `${job.kind}-${createHash('sha256').update(JSON.stringify(identity)).digest('hex')}`;
}

/** Checks a worker's answer to `job` (it crosses processes too). */
export function parseEvaluationResult(value: unknown, job: EvaluationJob): EvaluationResult {
  const o = record(value, 'result');
  if (o['kind'] !== job.kind) throw bad(`result.kind must be "${job.kind}", got ${show(o['kind'])}`);
  if (job.kind === 'test') {
    const accuracy = o['accuracy'];
    if (typeof accuracy !== 'number' || !(accuracy >= 0 && accuracy <= 1)) throw bad(`result.accuracy must be in [0, 1], got ${show(accuracy)}`);
    return { kind: 'test', accuracy };
  }
  const metrics = record(o['metrics'], 'result.metrics');
  for (const k of ['peakRamBytes', 'modelBytes', 'deployBytes', 'params', 'nonzeroParams', 'macs']) {
    if (typeof metrics[k] !== 'number' || !Number.isFinite(metrics[k])) throw bad(`result.metrics.${k} must be a finite number, got ${show(metrics[k])}`);
  }
  const val = record(metrics['accuracy'], 'result.metrics.accuracy')['val'];
  if (typeof val !== 'number' || !(val >= 0 && val <= 1)) throw bad(`result.metrics.accuracy.val must be in [0, 1], got ${show(val)}`);
  const lat = record(metrics['latency'], 'result.metrics.latency');
  if (typeof lat['ms'] !== 'number' || (lat['source'] !== 'MEASURED' && lat['source'] !== 'PREDICTED')) {
    throw bad(`result.metrics.latency must be { ms: number, source: MEASURED|PREDICTED }, got ${show(lat)}`);
  }
  return {
    kind: 'evaluate',
    metrics: metrics as unknown as CandidateMetrics,
    artifactSha256: sha256(o['artifactSha256'], 'result.artifactSha256'),
    provenance: record(o['provenance'], 'result.provenance') as unknown as Provenance,
  };
}

function record(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(`${name} must be an object, got ${show(value)}`);
  return value as Record<string, unknown>;
}

function only(o: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw bad(`job has an unknown field "${k}" (expected ${keys.join(', ')})`);
}

function sha256(value: unknown, name: string): string {
  if (typeof value !== 'string' || !SHA256.test(value)) throw bad(`${name} must be a lower-case hex sha256, got ${show(value)}`);
  return value;
}

function dataset(value: unknown): JobDataset {
  if (value === 'fashion-mnist') return value;
  if (typeof value !== 'object' || value === null) throw bad(`job.dataset must be "fashion-mnist" or a registered dataset {sha256, name, normalize}, got ${show(value)}`);
  const o = record(value, 'job.dataset');
  only(o, ['sha256', 'name', 'normalize']);
  const normalize = record(o['normalize'], 'job.dataset.normalize');
  only(normalize, ['mean', 'std']);
  const numbers = (v: unknown, name: string): number[] => {
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw bad(`${name} must be a non-empty list of finite numbers, got ${show(v)}`);
    return v as number[];
  };
  if (typeof o['name'] !== 'string' || o['name'] === '') throw bad(`job.dataset.name must be a non-empty string, got ${show(o['name'])}`);
  return {
    sha256: sha256(o['sha256'], 'job.dataset.sha256'),
    name: o['name'],
    normalize: { mean: numbers(normalize['mean'], 'job.dataset.normalize.mean'), std: numbers(normalize['std'], 'job.dataset.normalize.std') },
  };
}

function latency(value: unknown): NonNullable<EvaluateTask['latency']> {
  const o = record(value, 'job.latency');
  only(o, ['warmup', 'runs']);
  for (const k of ['warmup', 'runs'] as const) {
    const v = o[k];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 0)) throw bad(`job.latency.${k} must be an integer ≥ 0, got ${show(v)}`);
  }
  return o;
}

function bad(message: string): SearchError {
  return new SearchError('BAD_ARGUMENT', message);
}
