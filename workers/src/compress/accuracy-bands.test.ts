// Accuracy bands of the compression recipes on the zoo's fashion-cnn, Fashion-MNIST `test` split
// (10 000 images, each variant compressed and evaluated once). The bands are the acceptance
// criteria of the compression issue — drops that post-training quantization and magnitude or
// channel pruning with a short fine-tune are known to reach on small CNNs (for the techniques:
// R. Krishnamoorthi, "Quantizing deep convolutional networks for efficient inference: A
// whitepaper", arXiv:1806.08342, 2018; M. Zhu and S. Gupta, "To prune, or not to prune",
// arXiv:1710.01878, 2017). They are accuracies, not timings, so a test may hold them.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { defaultDataDir } from '../data/data-dir.js';
import type { Dataset } from '../data/dataset.js';
import { fashionMnistSplit, loadFashionMnistImages } from '../data/fashion-mnist.js';
import { evaluateAccuracy } from '../eval/evaluate-accuracy.js';
import type { Model } from '../onnx/model.js';
import { readModel } from '../onnx/read-model.js';
import { zooModelPath } from '../zoo/manifest.js';
import { compress } from './compress.js';
import type { Recipe } from '../recipe/recipe.js';

const ZOO = zooModelPath('fashion-cnn');
const skip = existsSync(ZOO) ? false : `${ZOO} is not built yet (npm run zoo)`;

/** Distillation of the fine-tuned bands: T = 4 with mostly soft targets, half an epoch (27 500 images). */
const DISTILL = { temperature: 4, alpha: 0.7, epochs: 0.5, layers: 'all' } as const;

describe('accuracy bands on fashion-cnn (Fashion-MNIST test)', { skip }, () => {
  let model: Model;
  let test: Dataset;
  let fit: Dataset;
  let baseline: number;

  before(async () => {
    model = readModel(readFileSync(ZOO));
    const images = loadFashionMnistImages({ dataDir: defaultDataDir() });
    test = fashionMnistSplit(images, 'test');
    fit = fashionMnistSplit(images, 'fit');
    baseline = (await evaluateAccuracy(readFileSync(ZOO), test)).accuracy;
  });

  /** Accuracy drop in percentage points after compressing by `recipe`, and the report. */
  async function drop(recipe: Recipe) {
    const result = await compress(model, recipe, { fit, seed: 1 });
    const accuracy = (await evaluateAccuracy(result.bytes, test)).accuracy;
    return { points: (baseline - accuracy) * 100, accuracy, report: result.report };
  }

  const bands: { name: string; recipe: Recipe; maxDrop: number }[] = [
    { name: 'int8 weight-only per-channel', maxDrop: 0.2, recipe: { quant: { weightBits: 8, activationBits: 32, granularity: 'per-channel', symmetric: true } } },
    { name: 'int8 static (QDQ, calibrated)', maxDrop: 1, recipe: { quant: { weightBits: 8, activationBits: 8, granularity: 'per-channel', symmetric: true } } },
    { name: '4-bit weight-only per-channel', maxDrop: 1, recipe: { quant: { weightBits: 4, activationBits: 32, granularity: 'per-channel', symmetric: false } } },
    { name: '50 % unstructured, no fine-tuning', maxDrop: 1, recipe: { prune: { ratio: 0.5, structure: 'unstructured' } } },
    { name: '90 % unstructured + distillation (½ epoch)', maxDrop: 1.5, recipe: { prune: { ratio: 0.9, structure: 'unstructured' }, distill: DISTILL } },
  ];
  for (const band of bands) {
    it(`${band.name}: drop ≤ ${band.maxDrop} point(s)`, async (t) => {
      const r = await drop(band.recipe);
      t.diagnostic(`test accuracy ${(r.accuracy * 100).toFixed(2)}% (fp32 ${(baseline * 100).toFixed(2)}%), drop ${r.points.toFixed(2)} points`);
      assert.ok(r.points <= band.maxDrop, `accuracy ${(r.accuracy * 100).toFixed(2)}% vs ${(baseline * 100).toFixed(2)}%: drop ${r.points.toFixed(2)} points`);
    });
  }

  it('25 % channel pruning + distillation (½ epoch): drop ≤ 1 point and MACs fall ≥ 35 %', async (t) => {
    const r = await drop({ prune: { ratio: 0.25, structure: 'channel' }, distill: DISTILL });
    t.diagnostic(`test accuracy ${(r.accuracy * 100).toFixed(2)}% (fp32 ${(baseline * 100).toFixed(2)}%), drop ${r.points.toFixed(2)} points; MACs ${r.report.after.macs} of ${r.report.before.macs}`);
    assert.ok(r.points <= 1, `accuracy ${(r.accuracy * 100).toFixed(2)}% vs ${(baseline * 100).toFixed(2)}%: drop ${r.points.toFixed(2)} points`);
    assert.ok(r.report.after.macs <= 0.65 * r.report.before.macs, `MACs ${r.report.after.macs} of ${r.report.before.macs}`);
  });
});
