import type { Db, Document, MongoClient } from 'mongodb';
import { sha256Hex } from '../artifact-files.js';
import { compact, toJson } from '../json.js';
import { GridFsArtifacts } from './mongo-artifacts.js';
import { MongoCandidates } from './mongo-candidates.js';
import {
  datasetFromDoc,
  datasetToDoc,
  deviceFromDoc,
  frontDocId,
  frontFromDoc,
  modelFromDoc,
  modelToDoc,
  runFromDoc,
  runToDoc,
} from './mongo-documents.js';
import type { CandidateDoc, DatasetDoc, DeviceDoc, FrontDoc, ModelDoc, MongoCollections, RunDoc } from './mongo-documents.js';
import { mongoQueries } from './mongo-queries.js';
import { ArtifactDelegate } from '../artifact-delegate.js';
import { newId } from '../new-id.js';
import type { Store } from '../store.js';
import { conflict, frontConflict, notFound, StoreError } from '../store-error.js';
import { checkNewDataset, checkNewDevice, checkNewModel, checkNewRun, checkRunFilter, checkRunUpdate, isFinalRunStatus, progressFromCounts, statusList } from '../store-rules.js';
import type {
  Budget,
  Candidate,
  CandidateResult,
  CandidateStatus,
  CandidateTransition,
  DatasetRecord,
  DedupKey,
  Device,
  Front,
  FrontKey,
  FrontReplacement,
  JsonObject,
  Model,
  NewCandidate,
  NewDatasetRecord,
  NewDevice,
  NewModel,
  NewRun,
  RequeueReport,
  Run,
  RunFilter,
  RunUpdate,
} from '../types.js';

const DUPLICATE_KEY = 11000;

/** The MongoDB adapter of the store port; open it with `openMongoStore`. */
export class MongoStore extends ArtifactDelegate implements Store {
  readonly kind = 'mongodb' as const;
  readonly #client: MongoClient;
  readonly #c: MongoCollections;
  protected readonly artifacts: GridFsArtifacts;
  readonly #candidates: MongoCandidates;
  #closed = false;

  constructor(client: MongoClient, db: Db) {
    super();
    this.#client = client;
    this.#c = {
      models: db.collection<ModelDoc>('models'),
      datasets: db.collection<DatasetDoc>('datasets'),
      devices: db.collection<DeviceDoc>('devices'),
      runs: db.collection<RunDoc>('runs'),
      candidates: db.collection<CandidateDoc>('candidates'),
      fronts: db.collection<FrontDoc>('fronts'),
    };
    this.artifacts = new GridFsArtifacts(db);
    this.#candidates = new MongoCandidates(this.#c, this.artifacts);
  }

  async registerModel(input: NewModel): Promise<Model> {
    this.#check();
    checkNewModel(input);
    const sha256 = sha256Hex(input.onnx);
    await this.artifacts.put(input.onnx);
    const existing = await this.#c.models.findOne(mongoQueries.modelBySha256(sha256).filter);
    if (existing) return modelFromDoc(existing);
    const model: Model = compact({
      id: newId(),
      name: input.name,
      sha256,
      inputShape: [...input.inputShape],
      classes: input.classes,
      params: input.params,
      macs: input.macs,
      coverage: toJson('coverage', input.coverage),
      baseline: input.baseline,
      createdAt: new Date().toISOString(),
    });
    try {
      await this.#c.models.insertOne(modelToDoc(model));
      return model;
    } catch (error) {
      // Another process registered the same bytes between our find and insert: return theirs.
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      return modelFromDoc((await this.#c.models.findOne(mongoQueries.modelBySha256(sha256).filter))!);
    }
  }

  async getModel(id: string): Promise<Model> {
    this.#check();
    const doc = await this.#c.models.findOne({ _id: id });
    if (!doc) throw notFound('model', id);
    return modelFromDoc(doc);
  }

  async listModels(filter: { readonly name?: string } = {}): Promise<Model[]> {
    this.#check();
    const q = mongoQueries.models(filter.name);
    return (await this.#c.models.find(q.filter).sort(q.sort).toArray()).map(modelFromDoc);
  }

  async registerDataset(input: NewDatasetRecord): Promise<DatasetRecord> {
    this.#check();
    checkNewDataset(input);
    const existing = await this.#c.datasets.findOne(mongoQueries.datasetBySha256(input.sha256).filter);
    if (existing) return datasetFromDoc(existing);
    const dataset: DatasetRecord = {
      id: newId(),
      name: input.name,
      sha256: input.sha256,
      source: toJson('source', input.source) as JsonObject,
      shape: [...input.shape],
      classes: input.classes.map((c) => ({ name: c.name, count: c.count })),
      splits: toJson('splits', input.splits) as JsonObject,
      preprocessing: toJson('preprocessing', input.preprocessing) as JsonObject,
      report: toJson('report', input.report) as JsonObject,
      createdAt: new Date().toISOString(),
    };
    try {
      await this.#c.datasets.insertOne(datasetToDoc(dataset));
      return dataset;
    } catch (error) {
      // Another process registered the same content between our find and insert: return theirs.
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      return datasetFromDoc((await this.#c.datasets.findOne(mongoQueries.datasetBySha256(input.sha256).filter))!);
    }
  }

  async getDataset(id: string): Promise<DatasetRecord> {
    this.#check();
    const doc = await this.#c.datasets.findOne({ _id: id });
    if (!doc) throw notFound('dataset', id);
    return datasetFromDoc(doc);
  }

  async listDatasets(filter: { readonly name?: string } = {}): Promise<DatasetRecord[]> {
    this.#check();
    const q = mongoQueries.datasets(filter.name);
    return (await this.#c.datasets.find(q.filter).sort(q.sort).toArray()).map(datasetFromDoc);
  }

  async putDevice(input: NewDevice): Promise<Device> {
    this.#check();
    checkNewDevice(input);
    const time = new Date();
    const doc = await this.#c.devices.findOneAndUpdate(
      { _id: input.id },
      { $set: { name: input.name, spec: toJson('spec', input.spec) as JsonObject, updatedAt: time }, $setOnInsert: { createdAt: time } },
      { upsert: true, returnDocument: 'after' },
    );
    return deviceFromDoc(doc!);
  }

  async getDevice(id: string): Promise<Device> {
    this.#check();
    const doc = await this.#c.devices.findOne({ _id: id });
    if (!doc) throw notFound('device', id);
    return deviceFromDoc(doc);
  }

  async listDevices(): Promise<Device[]> {
    this.#check();
    const q = mongoQueries.devices();
    return (await this.#c.devices.find(q.filter).sort(q.sort).toArray()).map(deviceFromDoc);
  }

  async createRun(input: NewRun): Promise<Run> {
    this.#check();
    checkNewRun(input);
    if (!(await this.#c.models.findOne({ _id: input.modelId }))) throw notFound('model', input.modelId);
    if (!(await this.#c.devices.findOne({ _id: input.deviceId }))) throw notFound('device', input.deviceId);
    const run: Run = {
      id: newId(),
      modelId: input.modelId,
      dataset: input.dataset,
      deviceId: input.deviceId,
      objectives: toJson('objectives', input.objectives),
      constraints: toJson('constraints', input.constraints),
      space: toJson('space', input.space),
      sampler: toJson('sampler', input.sampler),
      budget: toJson('budget', input.budget) as Budget,
      seed: input.seed,
      status: 'QUEUED',
      progress: progressFromCounts({}, 0),
      elapsedMs: 0,
      createdAt: new Date().toISOString(),
    };
    const doc = runToDoc(run);
    await this.#c.runs.insertOne(doc);
    return runFromDoc(doc, run.progress);
  }

  async getRun(id: string): Promise<Run> {
    this.#check();
    const doc = await this.#c.runs.findOne({ _id: id });
    if (!doc) throw notFound('run', id);
    return runFromDoc(doc, await this.#candidates.progressOf(id));
  }

  async listRuns(filter: RunFilter = {}): Promise<Run[]> {
    this.#check();
    checkRunFilter(filter);
    const q = mongoQueries.runs(filter);
    let cursor = this.#c.runs.find(q.filter).sort(q.sort);
    if (filter.limit !== undefined) cursor = cursor.limit(filter.limit);
    const docs = await cursor.toArray();
    const progress = await this.#candidates.progressOfRuns(docs.map((d) => d._id));
    return docs.map((d) => runFromDoc(d, progress.get(d._id)!));
  }

  async updateRun(update: RunUpdate): Promise<Run> {
    this.#check();
    checkRunUpdate(update);
    const from = statusList(update.from);
    const time = new Date();
    // An update pipeline, so that startedAt/finishedAt keep their first value ($ifNull); values
    // from callers go through $literal, so a string starting with '$' is not read as a field path.
    const set: Document = {};
    if (update.to !== undefined) set.status = { $literal: update.to };
    if (update.elapsedMs !== undefined) set.elapsedMs = { $literal: update.elapsedMs };
    if (update.error !== undefined) set.error = { $literal: update.error };
    if (update.to === 'RUNNING') set.startedAt = { $ifNull: ['$startedAt', time] };
    if (update.to !== undefined && isFinalRunStatus(update.to)) set.finishedAt = { $ifNull: ['$finishedAt', time] };
    const filter = { _id: update.id, status: { $in: [...from] } };
    const doc =
      Object.keys(set).length > 0
        ? await this.#c.runs.findOneAndUpdate(filter, [{ $set: set }], { returnDocument: 'after' })
        : await this.#c.runs.findOne(filter);
    if (!doc) {
      const current = await this.#c.runs.findOne({ _id: update.id }, { projection: { status: 1 } });
      if (!current) throw notFound('run', update.id);
      throw conflict('run', update.id, from, current.status);
    }
    return runFromDoc(doc, await this.#candidates.progressOf(update.id));
  }

  async insertCandidate(input: NewCandidate): Promise<Candidate> {
    this.#check();
    return this.#candidates.insert(input);
  }
  async getCandidate(id: string): Promise<Candidate> {
    this.#check();
    return this.#candidates.get(id);
  }
  async getCandidates(ids: readonly string[]): Promise<Candidate[]> {
    this.#check();
    return this.#candidates.getMany(ids);
  }
  async listCandidates(filter: { readonly runId: string; readonly status?: readonly CandidateStatus[] }): Promise<Candidate[]> {
    this.#check();
    return this.#candidates.list(filter);
  }
  async transitionCandidate(transition: CandidateTransition): Promise<Candidate> {
    this.#check();
    return this.#candidates.transition(transition);
  }
  async recordResult(result: CandidateResult): Promise<Candidate> {
    this.#check();
    return this.#candidates.recordResult(result);
  }
  async recordTestAccuracy(input: { readonly id: string; readonly accuracy: number }): Promise<Candidate> {
    this.#check();
    return this.#candidates.recordTestAccuracy(input);
  }
  async findReusableResult(key: DedupKey): Promise<Candidate | undefined> {
    this.#check();
    return this.#candidates.findReusable(key);
  }
  async requeueInterrupted(options: { readonly maxAttempts: number }): Promise<RequeueReport> {
    this.#check();
    return this.#candidates.requeueInterrupted(options.maxAttempts);
  }

  async getFront(key: FrontKey): Promise<Front> {
    this.#check();
    const doc = await this.#c.fronts.findOne({ _id: frontDocId(key) });
    return doc ? frontFromDoc(doc) : { ...key, memberIds: [], version: 0 };
  }

  async replaceFront(replacement: FrontReplacement): Promise<Front> {
    this.#check();
    const { key, expectedVersion, memberIds } = replacement;
    // Checked before the compare-and-set, not atomically with it: that is sound because DONE is a
    // final status, so a member that passes the check stays valid.
    await this.#candidates.checkFrontMembers(key, memberIds);
    const _id = frontDocId(key);
    const updatedAt = new Date();
    if (expectedVersion === 0) {
      try {
        const doc: FrontDoc = { _id, ...key, memberIds: [...memberIds], version: 1, updatedAt };
        await this.#c.fronts.insertOne(doc);
        return frontFromDoc(doc);
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      }
    } else {
      const doc = await this.#c.fronts.findOneAndUpdate(
        { _id, version: expectedVersion },
        { $set: { memberIds: [...memberIds], updatedAt }, $inc: { version: 1 } },
        { returnDocument: 'after' },
      );
      if (doc) return frontFromDoc(doc);
    }
    throw frontConflict(key, expectedVersion, (await this.getFront(key)).version);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.close();
  }

  protected assertOpen(): void {
    this.#check();
  }

  #check(): void {
    if (this.#closed) throw new StoreError('CLOSED', 'the MongoDB store is closed');
  }
}
