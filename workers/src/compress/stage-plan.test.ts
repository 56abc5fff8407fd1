import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deviceCatalogue, findDevice } from '../devices/catalogue.js';
import type { Recipe } from '../recipe/recipe.js';
import { syntheticDataset } from '../testing/compress/datasets.js';
import { TEST_HOST } from '../testing/device-models.js';
import { cnnModel } from '../testing/compress/models.js';
import { compress } from './compress.js';
import { estimateRecipe } from './estimate-recipe.js';
import { stagePlan } from './stage-plan.js';

const quant = { weightBits: 8, activationBits: 8, granularity: 'per-channel', symmetric: true } as const;

describe('stagePlan', () => {
  it('orders the stages lowRank → prune → distill → quant and fills the kernel defaults', () => {
    const plan = stagePlan({ quant, prune: { ratio: 0.5, structure: 'channel' }, lowRank: { rankRatio: 0.5 } });
    assert.deepEqual(plan.map((s) => s.kind), ['lowRank', 'pruneChannel', 'quant']);
    assert.deepEqual(plan[1], { stage: 'prune', kind: 'pruneChannel', ratio: 0.5, criterion: 'l1', repair: 'none' });
    assert.deepEqual(stagePlan({ prune: { ratio: 0.3, structure: 'unstructured' } }), [{ stage: 'prune', kind: 'pruneUnstructured', ratio: 0.3, scope: 'global', criterion: 'magnitude', repair: 'none' }]);
    assert.deepEqual(stagePlan({ prune: { ratio: 0.3, structure: 'unstructured', scope: 'layer' } })[0], { stage: 'prune', kind: 'pruneUnstructured', ratio: 0.3, scope: 'layer', criterion: 'magnitude', repair: 'none' });
    assert.deepEqual(stagePlan({ prune: { ratio: 0.3, structure: 'channel', repair: 'affine' } })[0], { stage: 'prune', kind: 'pruneChannel', ratio: 0.3, criterion: 'l1', repair: 'affine' });
    assert.deepEqual(stagePlan({ prune: { ratio: 0.3, structure: 'channel', criterion: 'contribution', repair: 'reconstruct' } })[0], { stage: 'prune', kind: 'pruneChannel', ratio: 0.3, criterion: 'contribution', repair: 'reconstruct' });
    assert.deepEqual(stagePlan({}), []);
  });

  it('gives the pre-screen estimate the structure compress builds', async () => {
    const device = findDevice('stm32h7', deviceCatalogue(TEST_HOST));
    const fit = syntheticDataset({ count: 64, shape: [1, 28, 28], seed: 3 });
    const recipes: Recipe[] = [
      { lowRank: { rankRatio: 0.5 }, prune: { ratio: 0.25, structure: 'channel' }, quant },
      { prune: { ratio: 0.6, structure: 'unstructured' }, quant: { ...quant, weightBits: 4, activationBits: 32 } },
      // Data-driven repair and rounding add biases and change no shape; the estimate runs neither.
      { prune: { ratio: 0.25, structure: 'channel', criterion: 'contribution', repair: 'reconstruct' }, quant: { ...quant, weightBits: 3, activationBits: 32, rounding: 'gptq' } },
      { prune: { ratio: 0.5, structure: 'unstructured', criterion: 'lamp', repair: 'reconstruct' } },
    ];
    for (const recipe of recipes) {
      const [estimate, compressed] = await Promise.all([estimateRecipe(cnnModel(), recipe, device), compress(cnnModel(), recipe, { fit, calibrationCount: 16 })]);
      assert.equal(estimate.params, compressed.report.after.params, JSON.stringify(recipe));
      assert.equal(estimate.macs, compressed.report.after.macs, JSON.stringify(recipe));
    }
  });
});
