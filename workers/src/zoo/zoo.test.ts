// The committed zoo: files match the manifest, the figures recomputable without training are right,
// and the models classify Fashion-MNIST `test` as well as the manifest says.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fashionMnistSplit, loadFashionMnistImages } from '../data/fashion-mnist.js';
import { subset } from '../data/dataset.js';
import { analyzeModel } from '../onnx/analyze-model.js';
import { readModel } from '../onnx/read-model.js';
import { accuracyOf, predictLogits } from '../train/predict.js';
import { buildArchitecture, ZOO_ARCHITECTURES } from './architectures.js';
import { zooDir, zooModelPath, type ZooManifest } from './manifest.js';

const manifestFile = join(zooDir(), 'manifest.json');

describe('the reference model zoo', () => {
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ZooManifest;

  it('holds every architecture, each file matching its sha256, params and MACs', () => {
    assert.deepEqual(manifest.models.map((m) => m.arch).sort(), [...ZOO_ARCHITECTURES].sort());
    for (const entry of manifest.models) {
      const path = zooModelPath(entry.arch);
      assert.ok(existsSync(path), `${path} is missing`);
      const bytes = readFileSync(path);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), entry.sha256, `${entry.file} does not match the manifest`);
      const analysis = analyzeModel(readModel(bytes));
      assert.equal(analysis.params, entry.params);
      assert.equal(analysis.macs, entry.macs);
    }
  });

  it('fashion-cnn: Conv+BN blocks (BN folded on export), pooling, a dense layer of ≥ 100k weights, ≥ 91.5% test accuracy', () => {
    const cnn = manifest.models.find((m) => m.arch === 'fashion-cnn')!;
    assert.ok(cnn.testAccuracy >= 0.915, `test accuracy ${cnn.testAccuracy}`);
    const untrained = buildArchitecture('fashion-cnn', 1);
    assert.ok(untrained.graph.nodes.some((n) => n.opType === 'BatchNormalization'));
    const model = readModel(readFileSync(zooModelPath('fashion-cnn')));
    const ops = new Set(model.graph.nodes.map((n) => n.opType));
    for (const op of ['Conv', 'MaxPool', 'Gemm', 'Relu']) assert.ok(ops.has(op), `no ${op}`);
    const largestGemm = Math.max(...model.graph.nodes.filter((n) => n.opType === 'Gemm').map((n) => model.graph.initializers.find((t) => t.name === n.inputs[1])!.data.length));
    assert.ok(largestGemm >= 100_000, `largest Gemm has ${largestGemm} weights`);
  });

  it('classifies the first 2000 test images as accurately as the manifest says (±2.5 points)', async () => {
    // 2000 class-balanced images: the standard error of an accuracy near 0.9 is about 0.7 points.
    const images = loadFashionMnistImages({ dataDir: join(os.tmpdir(), 'frontier-test-data') });
    const test = fashionMnistSplit(images, 'test');
    const first = subset(test, Int32Array.from({ length: 2000 }, (_, i) => i));
    for (const entry of manifest.models) {
      const model = readModel(readFileSync(zooModelPath(entry.arch)));
      const acc = accuracyOf(await predictLogits(model, first), first.labels, first.classes);
      assert.ok(Math.abs(acc - entry.testAccuracy) < 0.025, `${entry.arch}: ${acc} on 2000 images, manifest ${entry.testAccuracy}`);
    }
  });
});
