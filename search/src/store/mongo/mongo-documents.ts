// Entity ↔ document mapping of the MongoDB store. Documents keep the entity's field names, use the
// entity id as `_id` and BSON dates for times (so they sort and can expire natively); entities use
// ISO strings. Pure functions, tested without a server.
import type { Collection } from 'mongodb';
import { compact } from '../json.js';
import type {
  Budget,
  Candidate,
  CandidateEstimates,
  CandidateMetrics,
  CandidateStatus,
  DatasetRecord,
  Device,
  Front,
  FrontKey,
  Json,
  JsonObject,
  Model,
  Provenance,
  Run,
  RunProgress,
  RunStatus,
} from '../types.js';

export interface ModelDoc {
  _id: string;
  name: string;
  sha256: string;
  inputShape: number[];
  classes: number;
  params: number;
  macs: number;
  coverage: Json;
  baseline?: { dataset: string; accuracy: number };
  createdAt: Date;
}

export interface DatasetDoc {
  _id: string;
  name: string;
  sha256: string;
  source: JsonObject;
  shape: number[];
  classes: { name: string; count: number }[];
  splits: JsonObject;
  preprocessing: JsonObject;
  report: JsonObject;
  createdAt: Date;
}

export function datasetToDoc(d: DatasetRecord): DatasetDoc {
  const { id, createdAt, shape, classes, ...rest } = d;
  return { ...rest, _id: id, shape: [...shape], classes: classes.map((c) => ({ ...c })), createdAt: new Date(createdAt) };
}

export function datasetFromDoc(d: DatasetDoc): DatasetRecord {
  const { _id, createdAt, ...rest } = d;
  return { id: _id, ...rest, createdAt: createdAt.toISOString() };
}

export interface DeviceDoc {
  _id: string;
  name: string;
  spec: JsonObject;
  createdAt: Date;
  updatedAt: Date;
}

export interface RunDoc {
  _id: string;
  modelId: string;
  dataset: string;
  deviceId: string;
  objectives: Json;
  constraints: Json;
  space: Json;
  sampler: Json;
  budget: Budget;
  seed: number;
  status: RunStatus;
  /** The `seq` the next inserted candidate gets. */
  nextSeq: number;
  elapsedMs: number;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  error?: string;
}

export interface CandidateDoc {
  _id: string;
  runId: string;
  seq: number;
  modelId: string;
  modelSha256: string;
  dataset: string;
  deviceId: string;
  recipe: Json;
  recipeKey: string;
  status: CandidateStatus;
  attempts: number;
  estimates?: CandidateEstimates;
  metrics?: CandidateMetrics;
  artifactSha256?: string;
  provenance?: Provenance;
  reusedFrom?: string;
  failureReason?: string;
  createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
}

export interface FrontDoc {
  /** {@link frontDocId} of the key: one document per (model, dataset, device). */
  _id: string;
  modelId: string;
  dataset: string;
  deviceId: string;
  memberIds: string[];
  version: number;
  updatedAt: Date;
}

/** The `_id` of a front document: a JSON array, so no separator can be ambiguous. */
export function frontDocId(key: FrontKey): string {
  return JSON.stringify([key.modelId, key.dataset, key.deviceId]);
}

export function modelToDoc(m: Model): ModelDoc {
  const { id, createdAt, inputShape, ...rest } = m;
  return compact({ ...rest, _id: id, inputShape: [...inputShape], createdAt: new Date(createdAt) });
}

export function modelFromDoc(d: ModelDoc): Model {
  const { _id, createdAt, ...rest } = d;
  return compact({ id: _id, ...rest, createdAt: createdAt.toISOString() });
}

export function deviceToDoc(dev: Device): DeviceDoc {
  return { _id: dev.id, name: dev.name, spec: dev.spec, createdAt: new Date(dev.createdAt), updatedAt: new Date(dev.updatedAt) };
}

export function deviceFromDoc(d: DeviceDoc): Device {
  return { id: d._id, name: d.name, spec: d.spec, createdAt: d.createdAt.toISOString(), updatedAt: d.updatedAt.toISOString() };
}

/** A new run's document; `progress` is not stored (it is counted from candidates). */
export function runToDoc(r: Run): RunDoc {
  return compact({
    _id: r.id,
    modelId: r.modelId,
    dataset: r.dataset,
    deviceId: r.deviceId,
    objectives: r.objectives,
    constraints: r.constraints,
    space: r.space,
    sampler: r.sampler,
    budget: r.budget,
    seed: r.seed,
    status: r.status,
    nextSeq: 0,
    elapsedMs: r.elapsedMs,
    createdAt: new Date(r.createdAt),
    startedAt: optionalDate(r.startedAt),
    finishedAt: optionalDate(r.finishedAt),
    error: r.error,
  });
}

export function runFromDoc(d: RunDoc, progress: RunProgress): Run {
  return compact({
    id: d._id,
    modelId: d.modelId,
    dataset: d.dataset,
    deviceId: d.deviceId,
    objectives: d.objectives,
    constraints: d.constraints,
    space: d.space,
    sampler: d.sampler,
    budget: d.budget,
    seed: d.seed,
    status: d.status,
    progress,
    elapsedMs: d.elapsedMs,
    createdAt: d.createdAt.toISOString(),
    startedAt: d.startedAt?.toISOString(),
    finishedAt: d.finishedAt?.toISOString(),
    error: d.error,
  });
}

export function candidateToDoc(c: Candidate): CandidateDoc {
  const { id, createdAt, startedAt, finishedAt, ...rest } = c;
  return compact({
    ...rest,
    _id: id,
    createdAt: new Date(createdAt),
    startedAt: optionalDate(startedAt),
    finishedAt: optionalDate(finishedAt),
  });
}

export function candidateFromDoc(d: CandidateDoc): Candidate {
  const { _id, createdAt, startedAt, finishedAt, ...rest } = d;
  return compact({
    id: _id,
    ...rest,
    createdAt: createdAt.toISOString(),
    startedAt: startedAt?.toISOString(),
    finishedAt: finishedAt?.toISOString(),
  });
}

export function frontFromDoc(d: FrontDoc): Front {
  return {
    modelId: d.modelId,
    dataset: d.dataset,
    deviceId: d.deviceId,
    memberIds: d.memberIds,
    version: d.version,
    updatedAt: d.updatedAt.toISOString(),
  };
}

function optionalDate(iso: string | undefined): Date | undefined {
  return iso === undefined ? undefined : new Date(iso);
}

/** The collections of the store, typed. */
export interface MongoCollections {
  readonly models: Collection<ModelDoc>;
  readonly datasets: Collection<DatasetDoc>;
  readonly devices: Collection<DeviceDoc>;
  readonly runs: Collection<RunDoc>;
  readonly candidates: Collection<CandidateDoc>;
  readonly fronts: Collection<FrontDoc>;
}
