import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkersError } from '../errors.js';
import { evaluateAccuracy } from '../eval/evaluate-accuracy.js';
import { writeModel } from '../onnx/write-model.js';
import { EvaluationCache } from '../pool/evaluate-candidate.js';
import { writeSyntheticImageFolder } from '../testing/image-folder.js';
import { buildArchitecture } from '../zoo/architectures.js';
import { conformDataset } from './conform-dataset.js';
import { datasetDigest, fillBatch, subset } from './dataset.js';
import { prepareDataset } from './prepare-dataset.js';
import { loadRegisteredImages, registeredSplit, type DatasetRef } from './registered-dataset.js';

describe('registered datasets: in memory and streamed from the cache file', () => {
  let tmp: string;
  let ref: DatasetRef;
  const dataDir = () => join(tmp, 'data');
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'frontier-registered-'));
    await writeSyntheticImageFolder({ root: join(tmp, 'images'), perClass: 12, size: [10, 12] });
    const p = await prepareDataset({ path: join(tmp, 'images'), dataDir: dataDir(), normalize: 'imagenet' });
    ref = { sha256: p.sha256, name: 'shapes', normalize: { mean: p.preprocessing.mean, std: p.preprocessing.std } };
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('streams the same batches as it holds in memory, for every split, layout and subset', () => {
    const memory = loadRegisteredImages({ dataDir: dataDir(), ref });
    const streamed = loadRegisteredImages({ dataDir: dataDir(), ref, stream: true });
    try {
      assert.equal(streamed.cache.pixels.length, 0, 'no pixels held');
      for (const split of ['fit', 'val', 'test', 'train'] as const) {
        const a = registeredSplit(memory, split);
        const b = registeredSplit(streamed, split);
        assert.deepEqual([...b.labels], [...a.labels]);
        const all = Int32Array.from({ length: a.count }, (_, i) => a.count - 1 - i);
        assert.deepEqual(fillBatch(b, all), fillBatch(a, all));
        assert.equal(datasetDigest(b), datasetDigest(a));
        for (const input of [['N', 10, 12, 3], ['N', 1, 10, 12]]) {
          assert.deepEqual(fillBatch(conformDataset(b, input), [0, 1]), fillBatch(conformDataset(a, input), [0, 1]));
        }
        const pick = [2, 0, 1];
        assert.deepEqual(fillBatch(subset(b, pick), [0, 1, 2]), fillBatch(subset(a, pick), [0, 1, 2]));
      }
    } finally {
      streamed.source!.close();
    }
  });

  it('gives the same accuracy through the worker cache whether it streams or not', async () => {
    const model = writeModel(buildArchitecture('fashion-cnn', 3, { input: [3, 10, 12], classes: 3 }));
    const inMemory = new EvaluationCache(Number.MAX_SAFE_INTEGER).split(ref, dataDir(), 'val');
    const streamed = new EvaluationCache(0).split(ref, dataDir(), 'val');
    assert.ok(streamed.data.stream && !inMemory.data.stream);
    assert.equal(streamed.digest, ref.sha256);
    assert.deepEqual(await evaluateAccuracy(model, streamed.data, { batchSize: 5 }), await evaluateAccuracy(model, inMemory.data, { batchSize: 5 }));
  });

  it('refuses a cache file that no longer hashes to its name, streamed or not', () => {
    const file = join(dataDir(), 'datasets', 'registered', `${ref.sha256}.bin`);
    const bytes = readFileSync(file);
    const changed = Buffer.from(bytes);
    changed[changed.length - 1] = changed[changed.length - 1]! ^ 0xff;
    writeFileSync(file, changed);
    try {
      for (const stream of [false, true]) {
        assert.throws(() => loadRegisteredImages({ dataDir: dataDir(), ref, stream }), (e: unknown) => e instanceof WorkersError && e.code === 'BAD_DATASET' && /no longer hashes to/.test(e.message));
      }
    } finally {
      writeFileSync(file, bytes);
    }
  });
});
