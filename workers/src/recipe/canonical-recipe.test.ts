import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkersError } from '../errors.js';
import { canonicalRecipe, recipeHash, recipeKey } from './canonical-recipe.js';
import { parseRecipe, validateRecipe } from './parse-recipe.js';

const quant = { weightBits: 4, activationBits: 8, granularity: 'per-channel', symmetric: true } as const;

describe('validateRecipe', () => {
  it('accepts a full recipe and the empty recipe, keeping only their own fields', () => {
    const r = {
      lowRank: { rankRatio: 0.5 },
      prune: { ratio: 0.7, structure: 'channel' },
      distill: { temperature: 4, alpha: 0.5, epochs: 2, layers: 'all' },
      quant,
    };
    assert.deepEqual(validateRecipe(r), r);
    assert.deepEqual(validateRecipe({}), {});
  });

  const bad: [unknown, RegExp][] = [
    [{ lowRank: { rankRatio: 1.5 } }, /^lowRank.rankRatio must be in \(0, 1\], got 1.5$/],
    [{ prune: { ratio: 1, structure: 'channel' } }, /^prune.ratio must be in \[0, 1\), got 1$/],
    [{ prune: { ratio: 0.5, structure: 'filter' } }, /^prune.structure must be one of "unstructured", "channel", got "filter"$/],
    [{ distill: { temperature: 4, alpha: 0.5, epochs: 1, layers: 0 } }, /^distill.layers must be "all" or an integer ≥ 1, got 0$/],
    [{ quant: { ...quant, weightBits: 12 } }, /^quant.weightBits must be an integer 1–8, 16 or 32, got 12$/],
    [{ quant: { ...quant, weightBits: 16 } }, /^quant.weightBits must be ≤ 8 when quant.activationBits is 8, got 16$/],
    [{ quant: { ...quant, symmetric: 'yes' } }, /^quant.symmetric must be true or false, got "yes"$/],
    [{ quantize: {} }, /^unknown recipe field quantize/],
    [{ lowRank: { rankRatio: 0.5, rank: 3 } }, /^unknown recipe field lowRank.rank/],
    [[], /^recipe must be an object/],
  ];
  for (const [value, message] of bad) {
    it(`rejects ${JSON.stringify(value)}`, () => {
      assert.throws(
        () => parseRecipe(value),
        (err: unknown) => err instanceof WorkersError && err.code === 'BAD_RECIPE' && message.test(err.message),
      );
    });
  }
});

describe('canonical recipes', () => {
  it('gives equal keys to equal configurations', () => {
    const a = recipeKey({ quant, prune: { ratio: 0.1 + 0.2, structure: 'unstructured', scope: 'global' } });
    const b = recipeKey({ prune: { structure: 'unstructured', ratio: 0.3 }, quant: { symmetric: true, granularity: 'per-channel', activationBits: 8, weightBits: 4 } });
    assert.equal(a, b);
    assert.equal(a, '{"prune":{"ratio":0.3,"structure":"unstructured"},"quant":{"weightBits":4,"activationBits":8,"granularity":"per-channel","symmetric":true}}');
    assert.equal(recipeHash({ prune: { ratio: 0.30001, structure: 'unstructured' } }), recipeHash({ prune: { ratio: 0.3, structure: 'unstructured' } }));
  });

  it('keeps what differs and drops what cannot matter', () => {
    assert.notEqual(recipeKey({ lowRank: { rankRatio: 0.5 } }), recipeKey({ lowRank: { rankRatio: 0.501 } }));
    assert.notEqual(recipeKey({ prune: { ratio: 0.5, structure: 'unstructured', scope: 'layer' } }), recipeKey({ prune: { ratio: 0.5, structure: 'unstructured' } }));
    // A scope means nothing to channel pruning.
    assert.deepEqual(canonicalRecipe({ prune: { ratio: 0.5, structure: 'channel', scope: 'layer' } }), { prune: { ratio: 0.5, structure: 'channel' } });
    assert.equal(recipeKey({}), '{}');
  });

  it('parses back from its key', () => {
    const r = { lowRank: { rankRatio: 0.12345678 }, distill: { temperature: 3.14159, alpha: 0.5, epochs: 1, layers: 2 } };
    const key = recipeKey(r);
    assert.equal(recipeKey(parseRecipe(JSON.parse(key))), key);
    assert.deepEqual(JSON.parse(key), { lowRank: { rankRatio: 0.1235 }, distill: { temperature: 3.142, alpha: 0.5, epochs: 1, layers: 2 } });
  });
});
