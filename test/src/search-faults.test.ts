// Worker faults during a real run: a candidate whose evaluation throws, ends its thread, exceeds its
// memory or its time becomes FAILED with the reason, and the run goes on to evaluate the others.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { LocalDispatcher, SearchService, openStore } from '@frontier/search';
import { deviceCatalogue, detectHostFacts, findDevice, zooModelPath } from '@frontier/workers';
import { freshDataDir } from './support/data-dir.js';

describe('worker faults in a run', () => {
  const dataDir = freshDataDir();
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('become FAILED candidates with their reason while the run goes on', async () => {
    const store = await openStore({ dataDir, env: {} });
    try {
      const service = new SearchService({
        store,
        dataDir,
        dispatcherFor: (context) =>
          new LocalDispatcher({
            ...context,
            threads: 2,
            // The memory fault takes about 3 s alone to fill its 256 MB heap (measured here, node 20),
            // and real evaluations must finish too: 10 s keeps a margin of three on a loaded machine
            // for the one task that hangs on purpose.
            taskTimeoutMs: 10_000,
            maxOldGenerationSizeMb: 256,
            workerUrl: new URL('./fixtures/faulty-candidate-worker.js', import.meta.url),
          }),
      });
      const device = await service.registerDevice(findDevice('stm32h7', deviceCatalogue(detectHostFacts())));
      const model = await service.registerModel({ name: 'fashion-mlp', bytes: readFileSync(zooModelPath('fashion-mlp')) });
      const run = await service.createRun({
        modelId: model.id,
        deviceId: device.id,
        objectives: ['accuracy', 'deployBytes'],
        constraints: {},
        space: { prune: { optional: false, ratio: { values: [0.11, 0.22, 0.33, 0.44, 0.5, 0.6] }, structure: { values: ['unstructured'] } } },
        sampler: { kind: 'grid' },
        budget: { evaluations: 6 },
        seed: 1,
      });
      const final = await service.start(run.id);
      assert.equal(final.status, 'DONE');
      const reasons = new Map<number, string>();
      for (const c of await store.listCandidates({ runId: run.id })) {
        const ratio = (c.recipe as { prune: { ratio: number } }).prune.ratio;
        reasons.set(ratio, c.status === 'FAILED' ? c.failureReason! : c.status);
      }
      assert.match(reasons.get(0.11)!, /^threw: kernel exploded on purpose/);
      assert.match(reasons.get(0.22)!, /^exited: /);
      assert.match(reasons.get(0.33)!, /^memory: /);
      assert.match(reasons.get(0.44)!, /^timeout: .*10000 ms/);
      assert.equal(reasons.get(0.5), 'DONE');
      assert.equal(reasons.get(0.6), 'DONE');
    } finally {
      await store.close();
    }
  });
});
