import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexServes, mongoIndexes, mongoQueries } from './mongo-queries.js';
import type { CollectionName, QuerySpec, SortSpec } from './mongo-queries.js';

const key = { modelSha256: 'a'.repeat(64), dataset: 'fashion-mnist', deviceId: 'host', recipeKey: 'k' };

/** Every query shape the MongoDB adapter runs (mongo-store.ts, mongo-candidates.ts use these builders). */
const queries: [string, QuerySpec & { collection: CollectionName }][] = [
  ['model by sha256', mongoQueries.modelBySha256('a'.repeat(64))],
  ['models', mongoQueries.models()],
  ['models by name', mongoQueries.models('fashion-cnn')],
  ['dataset by sha256', mongoQueries.datasetBySha256('a'.repeat(64))],
  ['datasets', mongoQueries.datasets()],
  ['datasets by name', mongoQueries.datasets('pets')],
  ['devices', mongoQueries.devices()],
  ['runs', mongoQueries.runs({})],
  ['runs by status', mongoQueries.runs({ status: ['QUEUED', 'RUNNING'] })],
  ['runs by model', mongoQueries.runs({ modelId: 'm' })],
  ['runs by device', mongoQueries.runs({ deviceId: 'd' })],
  ['runs by model and status', mongoQueries.runs({ modelId: 'm', status: 'DONE' })],
  ['running runs', mongoQueries.runsWithStatus('RUNNING')],
  ['candidates of a run', mongoQueries.candidatesOfRun('r')],
  ['candidates of a run by status', mongoQueries.candidatesOfRun('r', ['DONE'])],
  ['candidates of runs (progress)', mongoQueries.candidatesOfRuns(['r1', 'r2'])],
  ['RUNNING candidates of runs (requeue)', mongoQueries.candidatesOfRuns(['r1'], 'RUNNING')],
  ['reusable result', mongoQueries.reusable(key)],
];

const ID_INDEX: SortSpec = { _id: 1 };

describe('mongo queries', () => {
  for (const [name, query] of queries) {
    it(`${name} is served by an index of ${query.collection}`, () => {
      const indexes = [ID_INDEX, ...mongoIndexes[query.collection].map((i) => i.key)];
      const serving = indexes.filter((index) => indexServes(index, query));
      assert.ok(serving.length > 0, `no index serves ${JSON.stringify(query)}`);
    });
  }

  it('indexServes follows equality-then-sort', () => {
    const index = { runId: 1, status: 1, seq: 1 } as const;
    assert.equal(indexServes(index, { filter: { runId: 'r' } }), true);
    assert.equal(indexServes(index, { filter: { status: 'DONE' } }), false, 'not a prefix');
    assert.equal(indexServes(index, { filter: { runId: 'r', status: { $in: ['A'] } }, sort: { seq: 1 } }), true);
    assert.equal(indexServes(index, { filter: { runId: 'r', status: 'A' }, sort: { seq: -1 } }), true, 'backwards');
    assert.equal(indexServes(index, { filter: { runId: 'r' }, sort: { seq: 1 } }), false, 'sort field not next');
    assert.equal(indexServes(index, { filter: { runId: { $gt: 'r' } } }), false, 'a range is not a point');
    assert.equal(indexServes({ a: 1, b: -1 }, { filter: {}, sort: { a: 1, b: 1 } }), false, 'mixed directions');
    assert.equal(indexServes({ a: 1, b: -1 }, { filter: {}, sort: { a: -1, b: 1 } }), true);
  });

  it('index names are unique per collection and unique indexes are where the contract needs them', () => {
    for (const indexes of Object.values(mongoIndexes)) {
      assert.equal(new Set(indexes.map((i) => i.name)).size, indexes.length);
    }
    const unique = Object.entries(mongoIndexes).flatMap(([c, list]) => list.filter((i) => i.unique).map((i) => `${c}.${i.name}`));
    assert.deepEqual(unique.sort(), ['candidates.run_seq_unique', 'datasets.sha256_unique', 'models.sha256_unique']);
  });
});
