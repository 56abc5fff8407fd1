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
import { applyStage } from './compress-stages.js';
import { modelFigures } from './model-figures.js';

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
    assert.deepEqual(stagePlan({ prune: { ratio: 0.3, structure: 'unstructured', criterion: 'sensitivity', repair: 'affine' } })[0], { stage: 'prune', kind: 'pruneUnstructured', ratio: 0.3, scope: 'global', criterion: 'sensitivity', repair: 'affine' });
    assert.throws(() => stagePlan({ prune: { ratio: 0.3, structure: 'channel', criterion: 'sensitivity' } }), /prune.criterion 'sensitivity' ranks single weights/);
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
      { prune: { ratio: 0.7, structure: 'unstructured', criterion: 'sensitivity', repair: 'affine' }, quant: { ...quant, weightBits: 4, activationBits: 32 } },
    ];
    for (const recipe of recipes) {
      const [estimate, compressed] = await Promise.all([estimateRecipe(cnnModel(), recipe, device), compress(cnnModel(), recipe, { fit, calibrationCount: 16 })]);
      assert.equal(estimate.params, compressed.report.after.params, JSON.stringify(recipe));
      assert.equal(estimate.macs, compressed.report.after.macs, JSON.stringify(recipe));
    }
  });

  it('prunes by sensitivity to per-tensor ratios it reports; the estimate prunes as many weights of the same tensors', async () => {
    const fit = syntheticDataset({ count: 64, shape: [1, 28, 28], seed: 3 });
    const recipe: Recipe = { prune: { ratio: 0.7, structure: 'unstructured', criterion: 'sensitivity' } };
    const [step] = stagePlan(recipe);
    const model = cnnModel();
    const input = { model, teacher: model, masks: undefined, data: { fit, calibrationCount: 32 } };
    const compressed = await applyStage(step!, { ...input, mode: 'compress' });
    const estimated = await applyStage(step!, { ...input, data: {}, mode: 'estimate' });
    assert.ok(compressed.details.kind === 'pruneUnstructured' && estimated.details.kind === 'pruneUnstructured');
    const measured = compressed.details.sensitivity!;
    assert.equal(measured.images, 32);
    // The details hold the ratio chosen for every tensor, and the tensors were pruned to it.
    assert.deepEqual(
      measured.tensors.map((t) => [t.weight, t.chosen]),
      compressed.details.tensors.map((t) => [t.weight, t.zeros]),
    );
    for (const t of compressed.details.tensors) assert.match(compressed.summary, new RegExp(`${t.weight} ${((t.zeros / t.params) * 100).toFixed(1)}%`));
    // Not LAMP's split nor magnitude's (which the estimate uses): the measurement moved zeros.
    assert.equal(measured.kept, 'measured');
    assert.notDeepEqual(measured.tensors.map((t) => t.chosen), measured.tensors.map((t) => t.lamp));
    assert.notDeepEqual(compressed.details.tensors.map((t) => t.zeros), estimated.details.tensors.map((t) => t.zeros));
    // What the pre-screen needs of unstructured pruning is the same: tensors, shapes, total of zeros.
    const zeros = (d: typeof compressed.details) => (d.kind === 'pruneUnstructured' ? d.tensors.reduce((s, t) => s + t.zeros, 0) : NaN);
    assert.equal(zeros(estimated.details), zeros(compressed.details));
    assert.deepEqual(estimated.details.tensors.map((t) => [t.weight, t.params]), compressed.details.tensors.map((t) => [t.weight, t.params]));
    const figures = [modelFigures(compressed.model), modelFigures(estimated.model)];
    assert.equal(figures[0]!.nonzeroParams, figures[1]!.nonzeroParams);
    assert.equal(figures[0]!.macs, figures[1]!.macs);
  });

  it('says sensitivity needs calibration images without them, and needs none at ratio 0', async () => {
    const recipe: Recipe = { prune: { ratio: 0.5, structure: 'unstructured', criterion: 'sensitivity' } };
    await assert.rejects(compress(cnnModel(), recipe), { code: 'BAD_ARGUMENT', message: /prune.criterion 'sensitivity' needs calibration images: pass data.fit \(the fit split\), or rank by 'lamp'/ });
    const r = await compress(cnnModel(), { prune: { ...recipe.prune!, ratio: 0 } });
    assert.equal(r.report.after.nonzeroParams, r.report.before.nonzeroParams);
  });
});
