// Candidate operations of the MongoDB store. Every status change is one findOneAndUpdate whose
// filter holds the expected status: a single-document compare-and-set, atomic in MongoDB.
import type { Document, UpdateFilter } from 'mongodb';
import type { GridFsArtifacts } from './mongo-artifacts.js';
import { candidateFromDoc, candidateToDoc } from './mongo-documents.js';
import type { CandidateDoc, MongoCollections } from './mongo-documents.js';
import { mongoQueries } from './mongo-queries.js';
import { toJson } from '../json.js';
import { newId } from '../new-id.js';
import { conflict, notFound, StoreError } from '../store-error.js';
import {
  checkCandidateTransition,
  checkFraction,
  checkFrontMembers,
  checkMaxAttempts,
  checkNewCandidate,
  checkResult,
  progressFromCounts,
  retryLimitReason,
} from '../store-rules.js';
import type {
  Candidate,
  CandidateResult,
  CandidateStatus,
  CandidateTransition,
  DedupKey,
  FrontKey,
  NewCandidate,
  RequeueReport,
  RunProgress,
} from '../types.js';

export class MongoCandidates {
  constructor(
    private readonly c: MongoCollections,
    private readonly artifacts: GridFsArtifacts,
  ) {}

  async insert(input: NewCandidate): Promise<Candidate> {
    checkNewCandidate(input);
    const recipe = toJson('recipe', input.recipe);
    // Reserve the next seq on the run (atomic $inc); a failed insert leaves a gap, which the
    // contract allows (seq is strictly increasing, not contiguous).
    const run = await this.c.runs.findOneAndUpdate({ _id: input.runId }, { $inc: { nextSeq: 1 } }, { returnDocument: 'before' });
    if (!run) throw notFound('run', input.runId);
    const model = await this.c.models.findOne({ _id: run.modelId }, { projection: { sha256: 1 } });
    if (!model) throw notFound('model', run.modelId);
    const status = input.status ?? 'PENDING';
    const time = new Date().toISOString();
    const candidate: Candidate = {
      id: newId(),
      runId: input.runId,
      seq: run.nextSeq,
      modelId: run.modelId,
      modelSha256: model.sha256,
      dataset: run.dataset,
      deviceId: run.deviceId,
      recipe,
      recipeKey: input.recipeKey,
      status,
      attempts: 0,
      ...(input.estimates === undefined ? {} : { estimates: input.estimates }),
      ...(input.reason === undefined ? {} : { failureReason: input.reason }),
      createdAt: time,
      ...(status === 'INFEASIBLE' ? { finishedAt: time } : {}),
    };
    const doc = candidateToDoc(candidate);
    await this.c.candidates.insertOne(doc);
    return candidateFromDoc(doc);
  }

  async get(id: string): Promise<Candidate> {
    const doc = await this.c.candidates.findOne({ _id: id });
    if (!doc) throw notFound('candidate', id);
    return candidateFromDoc(doc);
  }

  async getMany(ids: readonly string[]): Promise<Candidate[]> {
    const docs = await this.c.candidates.find({ _id: { $in: [...ids] } }).toArray();
    const byId = new Map(docs.map((d) => [d._id, d]));
    return ids.map((id) => {
      const doc = byId.get(id);
      if (!doc) throw notFound('candidate', id);
      return candidateFromDoc(doc);
    });
  }

  async list(filter: { readonly runId: string; readonly status?: readonly CandidateStatus[] }): Promise<Candidate[]> {
    const q = mongoQueries.candidatesOfRun(filter.runId, filter.status);
    return (await this.c.candidates.find(q.filter).sort(q.sort).toArray()).map(candidateFromDoc);
  }

  async transition(t: CandidateTransition): Promise<Candidate> {
    checkCandidateTransition(t);
    const time = new Date();
    const update: UpdateFilter<CandidateDoc> = { $set: { status: t.to } };
    if (t.from === 'PENDING' && t.to === 'RUNNING') {
      update.$set = { ...update.$set, startedAt: time };
      update.$inc = { attempts: 1 };
    }
    if (t.to === 'FAILED' || t.to === 'INFEASIBLE') update.$set = { ...update.$set, finishedAt: time, failureReason: t.reason };
    return this.#compareAndSet(t.id, t.from, update);
  }

  async recordResult(r: CandidateResult): Promise<Candidate> {
    checkResult(r);
    if (!(await this.artifacts.has(r.artifactSha256))) {
      throw new StoreError('BAD_ARGUMENT', `artifact ${r.artifactSha256} of candidate ${r.id} is not stored: put it first`, {
        id: r.id,
        artifactSha256: r.artifactSha256,
      });
    }
    if (r.reusedFrom !== undefined) {
      const source = await this.c.candidates.findOne({ _id: r.reusedFrom }, { projection: { status: 1 } });
      if (source?.status !== 'DONE') {
        throw new StoreError('BAD_ARGUMENT', `reusedFrom must name a DONE candidate, got ${r.reusedFrom} (${source?.status ?? 'unknown'})`, {
          reusedFrom: r.reusedFrom,
        });
      }
    }
    const set: Partial<CandidateDoc> = {
      status: 'DONE',
      metrics: r.metrics,
      artifactSha256: r.artifactSha256,
      provenance: r.provenance,
      finishedAt: new Date(),
    };
    if (r.reusedFrom !== undefined) set.reusedFrom = r.reusedFrom;
    return this.#compareAndSet(r.id, r.from ?? 'RUNNING', { $set: set });
  }

  async recordTestAccuracy(input: { readonly id: string; readonly accuracy: number }): Promise<Candidate> {
    checkFraction('accuracy', input.accuracy);
    return this.#compareAndSet(input.id, 'DONE', { $set: { 'metrics.accuracy.test': input.accuracy } });
  }

  async findReusable(key: DedupKey): Promise<Candidate | undefined> {
    const q = mongoQueries.reusable(key);
    const [doc] = await this.c.candidates.find(q.filter).sort(q.sort).limit(1).toArray();
    return doc ? candidateFromDoc(doc) : undefined;
  }

  async requeueInterrupted(maxAttempts: number): Promise<RequeueReport> {
    checkMaxAttempts(maxAttempts);
    const runs = await this.c.runs.find(mongoQueries.runsWithStatus('RUNNING').filter, { projection: { _id: 1 } }).toArray();
    const stuck = await this.c.candidates
      .find(mongoQueries.candidatesOfRuns(runs.map((r) => r._id), 'RUNNING').filter)
      .sort({ _id: 1 })
      .toArray();
    const requeued: Candidate[] = [];
    const failed: Candidate[] = [];
    for (const c of stuck) {
      const fail = c.attempts >= maxAttempts;
      const update: UpdateFilter<CandidateDoc> = fail
        ? { $set: { status: 'FAILED', failureReason: retryLimitReason(c.attempts, maxAttempts), finishedAt: new Date() } }
        : { $set: { status: 'PENDING' } };
      // The filter repeats status and attempts: a candidate someone else moved meanwhile is left alone.
      const doc = await this.c.candidates.findOneAndUpdate({ _id: c._id, status: 'RUNNING', attempts: c.attempts }, update, {
        returnDocument: 'after',
      });
      if (doc) (fail ? failed : requeued).push(candidateFromDoc(doc));
    }
    return { requeued, failed };
  }

  async checkFrontMembers(key: FrontKey, memberIds: readonly string[]): Promise<void> {
    const docs = await this.c.candidates
      .find({ _id: { $in: [...memberIds] } }, { projection: { status: 1, modelId: 1, dataset: 1, deviceId: 1 } })
      .toArray();
    checkFrontMembers(
      key,
      memberIds,
      docs.map((d) => ({ id: d._id, status: d.status, modelId: d.modelId, dataset: d.dataset, deviceId: d.deviceId })),
    );
  }

  async progressOf(runId: string): Promise<RunProgress> {
    return (await this.progressOfRuns([runId])).get(runId)!;
  }

  /** Progress of each run, counted from its candidates in one aggregation. */
  async progressOfRuns(runIds: readonly string[]): Promise<Map<string, RunProgress>> {
    const pipeline: Document[] = [
      { $match: mongoQueries.candidatesOfRuns(runIds).filter },
      {
        $group: {
          _id: { runId: '$runId', status: '$status' },
          n: { $sum: 1 },
          reused: { $sum: { $cond: [{ $eq: [{ $type: '$reusedFrom' }, 'string'] }, 1, 0] } },
        },
      },
    ];
    type Row = { _id: { runId: string; status: CandidateStatus }; n: number; reused: number };
    const rows = await this.c.candidates.aggregate<Row>(pipeline).toArray();
    const out = new Map<string, RunProgress>();
    for (const runId of runIds) {
      const mine = rows.filter((r) => r._id.runId === runId);
      const counts = Object.fromEntries(mine.map((r) => [r._id.status, r.n]));
      out.set(runId, progressFromCounts(counts, mine.reduce((s, r) => s + r.reused, 0)));
    }
    return out;
  }

  async #compareAndSet(id: string, from: CandidateStatus, update: UpdateFilter<CandidateDoc>): Promise<Candidate> {
    const doc = await this.c.candidates.findOneAndUpdate({ _id: id, status: from }, update, { returnDocument: 'after' });
    if (doc) return candidateFromDoc(doc);
    const current = await this.c.candidates.findOne({ _id: id }, { projection: { status: 1 } });
    if (!current) throw notFound('candidate', id);
    throw conflict('candidate', id, [from], current.status);
  }
}
