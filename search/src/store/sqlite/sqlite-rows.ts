// Row ↔ entity mapping of the SQLite store: JSON text columns are parsed here, NULL becomes an
// absent optional field.
import { compact } from '../json.js';
import type { Candidate, CandidateStatus, DatasetRecord, Device, Front, Model, Run, RunProgress, RunStatus } from '../types.js';

export interface ModelRow {
  id: string;
  name: string;
  sha256: string;
  input_shape: string;
  classes: number;
  params: number;
  macs: number;
  coverage: string;
  baseline: string | null;
  created_at: string;
}

export interface DatasetRow {
  id: string;
  name: string;
  sha256: string;
  source: string;
  shape: string;
  classes: string;
  splits: string;
  preprocessing: string;
  report: string;
  created_at: string;
}

export function datasetFromRow(r: DatasetRow): DatasetRecord {
  return {
    id: r.id,
    name: r.name,
    sha256: r.sha256,
    source: JSON.parse(r.source) as DatasetRecord['source'],
    shape: JSON.parse(r.shape) as number[],
    classes: JSON.parse(r.classes) as DatasetRecord['classes'],
    splits: JSON.parse(r.splits) as DatasetRecord['splits'],
    preprocessing: JSON.parse(r.preprocessing) as DatasetRecord['preprocessing'],
    report: JSON.parse(r.report) as DatasetRecord['report'],
    createdAt: r.created_at,
  };
}

export interface DeviceRow {
  id: string;
  name: string;
  spec: string;
  created_at: string;
  updated_at: string;
}

export interface RunRow {
  id: string;
  model_id: string;
  dataset: string;
  device_id: string;
  objectives: string;
  constraints: string;
  space: string;
  sampler: string;
  budget: string;
  seed: number;
  status: RunStatus;
  next_seq: number;
  elapsed_ms: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
}

export interface CandidateRow {
  id: string;
  run_id: string;
  seq: number;
  model_id: string;
  model_sha256: string;
  dataset: string;
  device_id: string;
  recipe: string;
  recipe_key: string;
  status: CandidateStatus;
  attempts: number;
  estimates: string | null;
  metrics: string | null;
  artifact_sha256: string | null;
  provenance: string | null;
  reused_from: string | null;
  failure_reason: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface FrontRow {
  model_id: string;
  dataset: string;
  device_id: string;
  member_ids: string;
  version: number;
  updated_at: string;
}

export function modelFromRow(r: ModelRow): Model {
  return compact({
    id: r.id,
    name: r.name,
    sha256: r.sha256,
    inputShape: JSON.parse(r.input_shape) as number[],
    classes: r.classes,
    params: r.params,
    macs: r.macs,
    coverage: JSON.parse(r.coverage) as Model['coverage'],
    baseline: parseOptional<Model['baseline']>(r.baseline),
    createdAt: r.created_at,
  });
}

export function deviceFromRow(r: DeviceRow): Device {
  return { id: r.id, name: r.name, spec: JSON.parse(r.spec) as Device['spec'], createdAt: r.created_at, updatedAt: r.updated_at };
}

export function runFromRow(r: RunRow, progress: RunProgress): Run {
  return compact({
    id: r.id,
    modelId: r.model_id,
    dataset: r.dataset,
    deviceId: r.device_id,
    objectives: JSON.parse(r.objectives) as Run['objectives'],
    constraints: JSON.parse(r.constraints) as Run['constraints'],
    space: JSON.parse(r.space) as Run['space'],
    sampler: JSON.parse(r.sampler) as Run['sampler'],
    budget: JSON.parse(r.budget) as Run['budget'],
    seed: r.seed,
    status: r.status,
    progress,
    elapsedMs: r.elapsed_ms,
    createdAt: r.created_at,
    startedAt: r.started_at ?? undefined,
    finishedAt: r.finished_at ?? undefined,
    error: r.error ?? undefined,
  });
}

export function candidateFromRow(r: CandidateRow): Candidate {
  return compact({
    id: r.id,
    runId: r.run_id,
    seq: r.seq,
    modelId: r.model_id,
    modelSha256: r.model_sha256,
    dataset: r.dataset,
    deviceId: r.device_id,
    recipe: JSON.parse(r.recipe) as Candidate['recipe'],
    recipeKey: r.recipe_key,
    status: r.status,
    attempts: r.attempts,
    estimates: parseOptional<Candidate['estimates']>(r.estimates),
    metrics: parseOptional<Candidate['metrics']>(r.metrics),
    artifactSha256: r.artifact_sha256 ?? undefined,
    provenance: parseOptional<Candidate['provenance']>(r.provenance),
    reusedFrom: r.reused_from ?? undefined,
    failureReason: r.failure_reason ?? undefined,
    createdAt: r.created_at,
    startedAt: r.started_at ?? undefined,
    finishedAt: r.finished_at ?? undefined,
  });
}

export function frontFromRow(r: FrontRow): Front {
  return {
    modelId: r.model_id,
    dataset: r.dataset,
    deviceId: r.device_id,
    memberIds: JSON.parse(r.member_ids) as string[],
    version: r.version,
    updatedAt: r.updated_at,
  };
}

/** JSON text for a column, NULL for an absent value. */
export function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

function parseOptional<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}
