import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recipeKey } from './canonical-recipe.js';
import { parseRecipe } from './parse-recipe.js';
import { recipeNeedsData } from './recipe.js';

const quant = { weightBits: 8, activationBits: 32, granularity: 'per-channel', symmetric: true };

describe('parseRecipe', () => {
  it('accepts every technique and fills defaults', () => {
    const r = parseRecipe({
      lowRank: { rankRatio: 1 },
      prune: { ratio: 0, structure: 'unstructured' },
      distill: { temperature: 4, alpha: 0.5, epochs: 0.5, layers: 2 },
      quant,
    });
    assert.deepEqual(r.prune, { ratio: 0, structure: 'unstructured', scope: 'global', criterion: 'l1', repair: 'none' });
    assert.deepEqual(parseRecipe({}), {});
  });

  it('gives a hand-written recipe the defaults a user expects: weight-only per-channel symmetric quantization, documented distillation', () => {
    assert.deepEqual(parseRecipe({ quant: { weightBits: 4 } }), { quant: { weightBits: 4, activationBits: 32, granularity: 'per-channel', symmetric: true } });
    assert.deepEqual(parseRecipe({ quant: { weightBits: 8, activationBits: 8 } }).quant, { weightBits: 8, activationBits: 8, granularity: 'per-channel', symmetric: true });
    assert.deepEqual(parseRecipe({ distill: {} }), { distill: { temperature: 4, alpha: 0.5, epochs: 1, layers: 'all' } });
    assert.deepEqual(parseRecipe({ distill: { epochs: 0.5 } }).distill, { temperature: 4, alpha: 0.5, epochs: 0.5, layers: 'all' });
    // The filled recipe is the same configuration as the written-out one.
    assert.equal(recipeKey(parseRecipe({ quant: { weightBits: 4 } })), recipeKey({ quant: { weightBits: 4, activationBits: 32, granularity: 'per-channel', symmetric: true } }));
  });

  const bad: [string, unknown, string][] = [
    ['rankRatio 0', { lowRank: { rankRatio: 0 } }, 'lowRank.rankRatio must be in (0, 1], got 0'],
    ['rankRatio 1.5', { lowRank: { rankRatio: 1.5 } }, 'lowRank.rankRatio must be in (0, 1], got 1.5'],
    ['ratio 1', { prune: { ratio: 1, structure: 'channel' } }, 'prune.ratio must be in [0, 1), got 1'],
    ['a string ratio', { prune: { ratio: '0.5', structure: 'channel' } }, 'prune.ratio must be a finite number, got "0.5"'],
    ['an unknown structure', { prune: { ratio: 0.5, structure: 'block' } }, 'prune.structure must be one of "unstructured", "channel", got "block"'],
    ['bits 0', { quant: { ...quant, weightBits: 0 } }, 'quant.weightBits must be an integer 1–8, 16 or 32, got 0'],
    ['bits 12', { quant: { ...quant, weightBits: 12 } }, 'quant.weightBits must be an integer 1–8, 16 or 32, got 12'],
    ['16-bit weights with int8 activations', { quant: { ...quant, weightBits: 16, activationBits: 8 } }, 'quant.weightBits must be ≤ 8 when quant.activationBits is 8, got 16'],
    ['activationBits 4', { quant: { ...quant, activationBits: 4 } }, 'quant.activationBits must be one of 8, 32, got 4'],
    ['a missing weight width', { quant: { activationBits: 32, granularity: 'per-channel' } }, 'quant.weightBits must be an integer 1–8, 16 or 32, got undefined'],
    ['a null symmetric', { quant: { weightBits: 8, symmetric: null } }, 'quant.symmetric must be true or false, got null'],
    ['LAMP with channel pruning', { prune: { ratio: 0.5, structure: 'channel', criterion: 'lamp' } }, "prune.criterion 'lamp' ranks single weights: use 'l1', 'l2' or 'contribution' with structure 'channel', got \"lamp\""],
    ['a channel criterion with unstructured pruning', { prune: { ratio: 0.5, structure: 'unstructured', criterion: 'contribution' } }, "prune.criterion 'contribution' ranks channels: use 'l1', 'l2', 'lamp' or 'sensitivity' with structure 'unstructured', got \"contribution\""],
    ['sensitivity with channel pruning', { prune: { ratio: 0.5, structure: 'channel', criterion: 'sensitivity' } }, "prune.criterion 'sensitivity' ranks single weights: use 'l1', 'l2' or 'contribution' with structure 'channel', got \"sensitivity\""],
    ['sensitivity with a ratio per layer', { prune: { ratio: 0.5, structure: 'unstructured', criterion: 'sensitivity', scope: 'layer' } }, "prune.scope must be 'global' with criterion 'sensitivity', which chooses each layer's sparsity itself, got \"layer\""],
    ['an unknown criterion', { prune: { ratio: 0.5, structure: 'unstructured', criterion: 'hessian' } }, 'prune.criterion must be one of "l1", "l2", "lamp", "contribution", "sensitivity", got "hessian"'],
    ['an unknown rounding', { quant: { ...quant, activationBits: 32, rounding: 'stochastic' } }, 'quant.rounding must be one of "nearest", "gptq", got "stochastic"'],
    ['an unknown technique', { prun: { ratio: 0.5 } }, 'unknown recipe field prun (allowed: lowRank, prune, distill, quant)'],
    ['an unknown field', { lowRank: { rankRatio: 0.5, rank: 3 } }, 'unknown recipe field lowRank.rank (allowed in lowRank: rankRatio)'],
    ['temperature 0', { distill: { temperature: 0, alpha: 0.5, epochs: 1, layers: 'all' } }, 'distill.temperature must be > 0, got 0'],
    ['layers 0', { distill: { temperature: 2, alpha: 0.5, epochs: 1, layers: 0 } }, 'distill.layers must be "all" or an integer ≥ 1, got 0'],
    ['a non-object', [1], 'recipe must be an object, got [1]'],
  ];
  it('accepts sensitivity with unstructured pruning, global scope given or left out', () => {
    assert.deepEqual(parseRecipe({ prune: { ratio: 0.5, structure: 'unstructured', criterion: 'sensitivity' } }).prune, { ratio: 0.5, structure: 'unstructured', scope: 'global', criterion: 'sensitivity', repair: 'none' });
    assert.equal(parseRecipe({ prune: { ratio: 0.5, structure: 'unstructured', criterion: 'sensitivity', scope: 'global' } }).prune?.scope, 'global');
  });

  for (const [what, recipe, message] of bad) {
    it(`rejects ${what}, naming the field and value`, () => {
      assert.throws(() => parseRecipe(recipe), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'BAD_RECIPE');
        assert.equal(err.message, message);
        return true;
      });
    });
  }
});

describe('recipeNeedsData', () => {
  it('is true for recipes that calibrate or train on images, sensitivity among them, false otherwise', () => {
    const prune = { ratio: 0.5, structure: 'unstructured' } as const;
    assert.equal(recipeNeedsData({ prune: { ...prune, criterion: 'sensitivity' } }), true);
    assert.equal(recipeNeedsData({ prune: { ...prune, criterion: 'sensitivity', ratio: 0 } }), false);
    assert.equal(recipeNeedsData({ prune: { ...prune, criterion: 'lamp' } }), false);
    assert.equal(recipeNeedsData({ prune: { ...prune, criterion: 'lamp', repair: 'bias' } }), true);
    assert.equal(recipeNeedsData({ prune: { ratio: 0.5, structure: 'channel', criterion: 'contribution' } }), true);
    const weightOnly = { weightBits: 4, activationBits: 32, granularity: 'per-channel', symmetric: true } as const;
    assert.equal(recipeNeedsData({ quant: weightOnly }), false);
    assert.equal(recipeNeedsData({ quant: { ...weightOnly, rounding: 'gptq' } }), true);
    assert.equal(recipeNeedsData({ distill: { temperature: 4, alpha: 0.5, epochs: 1, layers: 'all' } }), true);
  });
});
