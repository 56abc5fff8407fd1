import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fashionMnistSplit, loadFashionMnistImages } from '../../data/fashion-mnist.js';
import { subset } from '../../data/dataset.js';
import { Rng } from '../../data/rng.js';
import { evaluateAccuracy } from '../../eval/evaluate-accuracy.js';
import { readModel } from '../../onnx/read-model.js';
import { writeModel } from '../../onnx/write-model.js';
import { zooModelPath } from '../../zoo/manifest.js';
import { pruneMagnitude } from '../prune-magnitude.js';
import { lampScores } from './lamp-scores.js';
import { smallestMagnitudeMasks } from './magnitude-mask.js';

const zeros = (m: Uint8Array) => m.length - m.reduce((s, v) => s + v, 0);

describe('lampScores (Lee et al. 2021)', () => {
  it('scores w_u² over the squares of itself and every larger weight of the tensor', () => {
    // |w| ascending: 0, 1, 2, 3 → scores 0/14, 1/14, 4/13, 9/9.
    assert.deepEqual([...lampScores(Float32Array.from([3, -1, 2, 0]))], [1, 1 / 14, 4 / 13, 0]);
  });

  it('is unchanged by scaling a tensor, so a global threshold prunes layers of different scales alike', () => {
    const rng = new Rng(3);
    const small = Float32Array.from({ length: 400 }, () => rng.normal(0, 0.01));
    const large = Float32Array.from({ length: 400 }, () => rng.normal(0, 1));
    const scaled = Float32Array.from(small, (v) => v * 100);
    // Equal up to float32 rounding of the scaled weights.
    const [a, b] = [lampScores(small), lampScores(scaled)];
    a.forEach((s, i) => assert.ok(Math.abs(s - b[i]!) <= 1e-5 * s, `${s} vs ${b[i]}`));
    // Global magnitude at 50 % removes nearly all the small-scale layer; LAMP about half of each.
    const [magSmall] = smallestMagnitudeMasks([small, large], 400);
    assert.ok(zeros(magSmall!) >= 380, String(zeros(magSmall!)));
    const [lampSmall, lampLarge] = smallestMagnitudeMasks([lampScores(small), lampScores(large)], 400);
    assert.ok(Math.abs(zeros(lampSmall!) - 200) < 40 && Math.abs(zeros(lampLarge!) - 200) < 40, `${zeros(lampSmall!)} / ${zeros(lampLarge!)}`);
  });

  it('holds the BatchNorm-folded zoo CNN at 90 % global sparsity without fine-tuning, where magnitude does not', async () => {
    const test = subset(fashionMnistSplit(loadFashionMnistImages({ dataDir: join(os.tmpdir(), 'frontier-test-data') }), 'test'), Int32Array.from({ length: 2000 }, (_, i) => i));
    const model = readModel(readFileSync(zooModelPath('fashion-cnn')));
    const accuracy = async (criterion: 'magnitude' | 'lamp') =>
      (await evaluateAccuracy(writeModel(pruneMagnitude(model, { ratio: 0.9, criterion }).model), test)).accuracy;
    const [magnitude, lamp] = [await accuracy('magnitude'), await accuracy('lamp')];
    // Measured on all 10 000 test images: 76.2 % (magnitude) vs 90.4 % (LAMP), unpruned 92.6 %.
    assert.ok(lamp > magnitude + 0.05, `LAMP ${lamp} vs magnitude ${magnitude}`);
  });
});
