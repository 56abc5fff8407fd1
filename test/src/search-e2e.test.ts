// A small real search end to end, through the `frontier` binary: the real worker pool, kernels,
// onnxruntime-node and a SQLite store in a fresh data folder.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { openStore } from '@frontier/search';
import { zooDir, type ZooManifest } from '@frontier/workers';
import { freshDataDir } from './support/data-dir.js';
import { frontier } from './support/frontier-cli.js';

describe('frontier search on fashion-mlp for an MCU', () => {
  const dataDir = freshDataDir();
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('finds a front under the constraints, stores it, and serves it to `frontier front`', async () => {
    const ramKb = 256;
    const r = frontier(['search', '--model', 'fashion-mlp', '--device', 'stm32h7', '--budget', '5', '--max-ram-kb', String(ramKb),
      '--max-flash-kb', '300', '--sampler', 'random', '--seed', '4', '--workers', '2', '--data-dir', dataDir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.run.status, 'DONE');
    assert.equal(out.run.progress.done + out.run.progress.failed, 5);
    assert.ok(out.front.length > 0, 'some candidate meets the limits');
    for (const c of out.front) {
      assert.ok(c.metrics.peakRamBytes <= ramKb * 1024 && c.metrics.deployBytes <= 300 * 1024);
      assert.equal(c.metrics.latency.source, 'PREDICTED');
    }
    // Every front member is a real model file in the store that onnxruntime-node runs.
    const store = await openStore({ dataDir, env: {} });
    try {
      for (const c of out.front) {
        const session = await ort.InferenceSession.create(await store.getArtifact(c.artifactSha256));
        await session.release();
      }
      // The stored front (across runs, all four objectives) holds members with a test accuracy.
      const stored = frontier(['front', '--model', 'fashion-mlp', '--device', 'stm32h7', '--data-dir', dataDir, '--json']);
      assert.equal(stored.code, 0, stored.stderr);
      const front = JSON.parse(stored.stdout).front;
      assert.ok(front.length >= 1);
      // val (5000 images) and test (10 000) are two held-out samples of one distribution: for an
      // accuracy p ≈ 0.85 the standard error of their difference is √(p(1 − p)(1/5000 + 1/10 000))
      // ≈ 0.006, so 0.03 is five of those — while a test figure from the wrong split, labels or pixel
      // scale lands tens of points away.
      for (const c of front) {
        assert.ok(Math.abs(c.testAccuracy - c.accuracy) < 0.03, `val ${c.accuracy}, test ${c.testAccuracy}`);
      }
      // The registered model's baseline is the zoo's own measurement of the same file on the same
      // val split (workers/zoo/manifest.json), up to one image in 5000 for float summation order.
      const zoo = (JSON.parse(readFileSync(join(zooDir(), 'manifest.json'), 'utf8')) as ZooManifest).models.find((m) => m.arch === 'fashion-mlp')!;
      const [model] = await store.listModels({ name: 'fashion-mlp' });
      assert.equal(model!.baseline!.dataset, 'fashion-mnist/val');
      assert.ok(Math.abs(model!.baseline!.accuracy - zoo.valAccuracy) <= 1 / 5000, `baseline ${model!.baseline!.accuracy} vs zoo ${zoo.valAccuracy}`);
    } finally {
      await store.close();
    }
  });

  it('fails with a clear message when nothing can meet the constraints', () => {
    const r = frontier(['search', '--model', 'fashion-mlp', '--device', 'stm32h7', '--budget', '3', '--max-ram-kb', '0.5', '--data-dir', dataDir]);
    assert.equal(r.code, 1);
    // The run id comes first on stdout, before the run's summary, for scripts that follow or cancel it.
    assert.match(r.stdout, /^([0-9A-Z]{26})\nrun \1 FAILED: /);
    // The default sampler screens candidates itself and gives up once hundreds pass none.
    assert.match(r.stderr, /no recipe of the space passes the pre-screen \(512 screened; e\.g\. estimated peak RAM bytes \d+ > 512\)/);
    const tpe = frontier(['search', '--model', 'fashion-mlp', '--device', 'stm32h7', '--budget', '3', '--max-ram-kb', '0.5', '--sampler', 'tpe', '--data-dir', dataDir]);
    assert.equal(tpe.code, 1);
    assert.match(tpe.stderr, /no recipe met the constraints: the last 50 proposals were all ruled out \(estimated peak RAM bytes \d+ > 512\)/);
  });

  it('rejects bad usage with exit 2', () => {
    const noModel = frontier(['search', '--device', 'stm32h7', '--data-dir', dataDir]);
    assert.equal(noModel.code, 2);
    assert.equal(noModel.stderr, 'frontier: --model is required (or --resume <runId>)\n');
    const toaster = frontier(['search', '--model', 'fashion-mlp', '--device', 'toaster', '--data-dir', dataDir]);
    assert.equal(toaster.code, 2);
    assert.match(toaster.stderr, /^frontier: --device: unknown device "toaster" \(known: host, .*\), or a device \.json file\n$/);
    const pct = frontier(['search', '--model', 'fashion-mlp', '--device', 'host', '--min-accuracy', '91', '--data-dir', dataDir]);
    assert.equal(pct.code, 2);
    assert.match(pct.stderr, /--min-accuracy must be a fraction in \(0, 1\], got 91 \(for 91% write 0.91\)/);
  });
});
