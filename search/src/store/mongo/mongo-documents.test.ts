import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BSON } from 'mongodb';
import {
  candidateFromDoc,
  candidateToDoc,
  deviceFromDoc,
  deviceToDoc,
  frontDocId,
  modelFromDoc,
  modelToDoc,
  runFromDoc,
  runToDoc,
} from './mongo-documents.js';
import { sampleMetrics, sampleModel, sampleProvenance } from '../../testing/store-contract-data.js';
import type { Candidate, Device, Model, Run } from '../types.js';

/** What a server would store and send back: the driver's own BSON encoding, both ways. */
function throughBson<T extends object>(doc: T): T {
  return BSON.deserialize(BSON.serialize(doc, { ignoreUndefined: true })) as T;
}

const model: Model = {
  id: '01JABCDEFGHJKMNPQRSTVWXYZ0',
  name: 'fashion-cnn',
  sha256: 'a'.repeat(64),
  inputShape: [1, 1, 28, 28],
  classes: 10,
  params: 5_000_000_000, // past int32: BSON stores it as a double and it must come back exact
  macs: 101_632,
  coverage: { conv1: ['prune'], nested: { list: [1.5, null, true, 'x'] } },
  baseline: { dataset: 'fashion-mnist', accuracy: 0.9125 },
  createdAt: '2025-01-31T12:00:00.123Z',
};

const candidate: Candidate = {
  id: '01JABCDEFGHJKMNPQRSTVWXYZ1',
  runId: '01JABCDEFGHJKMNPQRSTVWXYZ2',
  seq: 4,
  modelId: model.id,
  modelSha256: model.sha256,
  dataset: 'fashion-mnist',
  deviceId: 'stm32h743',
  recipe: { prune: { ratio: 0.5, structure: 'channel' }, quant: { weightBits: 4 } },
  recipeKey: 'prune.ratio=0.5;prune.structure=channel;quant.weightBits=4',
  status: 'DONE',
  attempts: 2,
  metrics: { ...sampleMetrics(0.87), accuracy: { val: 0.87, test: 0.865 } },
  artifactSha256: 'b'.repeat(64),
  provenance: sampleProvenance(model.sha256),
  reusedFrom: '01JABCDEFGHJKMNPQRSTVWXYZ3',
  createdAt: '2025-01-31T12:00:01.000Z',
  startedAt: '2025-01-31T12:00:02.000Z',
  finishedAt: '2025-01-31T12:00:03.500Z',
};

describe('mongo documents', () => {
  it('round-trip a model through BSON, with _id and a Date', () => {
    const doc = modelToDoc(model);
    assert.equal(doc._id, model.id);
    assert.ok(doc.createdAt instanceof Date);
    assert.equal('id' in doc, false);
    assert.deepEqual(modelFromDoc(throughBson(doc)), model);
    const { baseline, ...bare } = model;
    assert.ok(baseline, 'the full model has a baseline; the bare one has none');
    assert.deepEqual(modelFromDoc(throughBson(modelToDoc(bare))), bare);
  });

  it('round-trip a device', () => {
    const device: Device = { id: 'host', name: 'host', spec: { ramBytes: 8e9, precisions: ['fp32', 'int8'] }, createdAt: model.createdAt, updatedAt: candidate.finishedAt! };
    assert.deepEqual(deviceFromDoc(throughBson(deviceToDoc(device))), device);
  });

  it('store a run without its progress, with a seq counter starting at 0', () => {
    const progress = { total: 3, pending: 1, running: 1, done: 1, failed: 0, infeasible: 0, reused: 0 };
    const run: Run = {
      modelId: model.id,
      dataset: 'fashion-mnist',
      deviceId: 'stm32h743',
      objectives: ['accuracy:max', 'latency:min'],
      constraints: { maxLatencyMs: 20 },
      space: { prune: { ratio: [0, 0.9] } },
      sampler: { name: 'nsga2' },
      budget: { evaluations: 50 },
      seed: 7,
      id: '01JABCDEFGHJKMNPQRSTVWXYZ2',
      status: 'RUNNING',
      progress,
      elapsedMs: 1234.5,
      createdAt: model.createdAt,
      startedAt: candidate.startedAt!,
    };
    const doc = runToDoc(run);
    assert.equal('progress' in doc, false);
    assert.equal(doc.nextSeq, 0);
    assert.equal('finishedAt' in doc, false, 'absent optional fields are not stored as null');
    assert.deepEqual(runFromDoc(throughBson(doc), progress), run);
  });

  it('round-trip candidates with every field, and with only the required ones', () => {
    assert.deepEqual(candidateFromDoc(throughBson(candidateToDoc(candidate))), candidate);
    const pending: Candidate = {
      id: candidate.id, runId: candidate.runId, seq: 0, modelId: model.id, modelSha256: model.sha256, dataset: 'fashion-mnist',
      deviceId: 'host', recipe: {}, recipeKey: '', status: 'PENDING', attempts: 0, createdAt: candidate.createdAt,
    };
    const doc = throughBson(candidateToDoc(pending));
    assert.deepEqual(Object.keys(doc).sort(), ['_id', 'attempts', 'createdAt', 'dataset', 'deviceId', 'modelId', 'modelSha256', 'recipe', 'recipeKey', 'runId', 'seq', 'status']);
    assert.deepEqual(candidateFromDoc(doc), pending);
  });

  it('give each front key its own unambiguous _id', () => {
    const a = frontDocId({ modelId: 'm', dataset: 'd|x', deviceId: 'h' });
    const b = frontDocId({ modelId: 'm', dataset: 'd', deviceId: 'x|h' });
    assert.notEqual(a, b);
    assert.deepEqual(JSON.parse(a), ['m', 'd|x', 'h']);
    assert.equal(sampleModel('m').classes, 10);
  });
});
