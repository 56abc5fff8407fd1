import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkersError } from '@frontier/workers';
import { SearchError } from '../errors.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { sampleDataset, sampleModel } from '../testing/store-contract-data.js';
import { BUILTIN_DATASET, checkModelFitsDataset, resolveDataset } from './search-datasets.js';

describe('resolveDataset and checkModelFitsDataset', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frontier-search-datasets-'));
    store = await openSqliteStore({ dataDir: dir });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the built-in set, a dataset by id, and the newest of a name', async () => {
    const builtin = await resolveDataset(store, undefined);
    assert.deepEqual([builtin.key, builtin.pool, builtin.shape, builtin.classes], [BUILTIN_DATASET, BUILTIN_DATASET, [1, 28, 28], 10]);
    const first = await store.registerDataset(sampleDataset('pets', 'a'));
    const second = await store.registerDataset(sampleDataset('pets', 'b'));
    assert.equal((await resolveDataset(store, first.id)).key, first.id);
    const byName = await resolveDataset(store, 'pets');
    assert.equal(byName.key, second.id);
    assert.deepEqual(byName.pool, { sha256: 'b'.repeat(64), name: 'pets', normalize: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } });
    assert.deepEqual([byName.shape, byName.classes], [[3, 32, 32], 2]);
  });

  it('names the known datasets when one is unknown', async () => {
    await assert.rejects(resolveDataset(store, 'cifar'), (e: unknown) => e instanceof SearchError && e.code === 'BAD_ARGUMENT' && /unknown dataset "cifar" \(known: fashion-mnist, pets\)/.test(e.message));
  });

  it('checks a model against the images and the classes, naming both', async () => {
    const pets = await resolveDataset(store, 'pets');
    const model = { ...sampleModel('cnn'), inputShape: [1, 3, 32, 32], classes: 2 };
    checkModelFitsDataset(model, pets);
    checkModelFitsDataset({ ...model, inputShape: [1, 32, 32, 3] }, pets);
    assert.throws(() => checkModelFitsDataset({ ...model, inputShape: [1, 3, 224, 224] }, pets), (e: unknown) => e instanceof WorkersError && /\[1, 3, 224, 224\] does not take the dataset's images \[3, 32, 32\]/.test(e.message));
    assert.throws(() => checkModelFitsDataset({ ...model, classes: 1 }, pets), (e: unknown) => e instanceof SearchError && /model cnn predicts 1 classes, dataset pets has 2/.test(e.message));
  });
});
