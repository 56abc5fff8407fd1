import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SearchError } from '../errors.js';
import { recipeKey } from '@frontier/workers';
import { parseRecipe } from '@frontier/workers';
import { Rng } from '@frontier/workers';
import { defineSpace } from './define-space.js';

/** lowRank: off | 2 ratios (3) · prune: off | 4 ratios × 2 structures (9) · quant (always): 3 × 2 minus 16-bit with int8 (5) = 135. */
const discrete = {
  lowRank: { rankRatio: { values: [0.25, 0.5] } },
  prune: { ratio: { low: 0.3, high: 0.9, step: 0.2 }, structure: { values: ['unstructured', 'channel'] } },
  quant: { optional: false, weightBits: { values: [4, 8, 16] }, activationBits: { values: [8, 32] } },
};

const continuous = {
  lowRank: { rankRatio: { low: 0.05, high: 1 } },
  prune: { ratio: { low: 0, high: 0.95 }, structure: { values: ['unstructured', 'channel'] }, scope: { values: ['global', 'layer'] } },
  distill: { temperature: { low: 1, high: 20, log: true }, alpha: { low: 0, high: 1 }, epochs: { low: 1, high: 30, log: true }, layers: { values: ['all', 1, 2] } },
  quant: { weightBits: { low: 2, high: 8 }, granularity: { values: ['per-tensor', 'per-channel'] }, symmetric: { values: [true, false] } },
};

function spaceError(spec: unknown, message: RegExp): void {
  assert.throws(
    () => defineSpace(spec),
    (err: unknown) => err instanceof SearchError && err.code === 'BAD_SPACE' && message.test(err.message),
    `expected ${message}`,
  );
}

describe('defineSpace', () => {
  it('compiles genes: switches for optional techniques, one gene per free parameter', () => {
    const space = defineSpace(discrete);
    assert.deepEqual(
      space.genes.map((g) => g.name),
      ['lowRank', 'lowRank.rankRatio', 'prune', 'prune.ratio', 'prune.structure', 'quant.weightBits', 'quant.activationBits'],
    );
    assert.equal(space.size, 135);
    assert.equal(defineSpace(continuous).size, Infinity);
  });

  it('fills defaults for parameters the space leaves out', () => {
    const space = defineSpace({ distill: { optional: false }, quant: { optional: false, weightBits: 8 } });
    assert.equal(space.size, 1);
    assert.deepEqual(space.recipeAt(0), {
      distill: { temperature: 4, alpha: 0.5, epochs: 1, layers: 'all' },
      quant: { weightBits: 8, activationBits: 8, granularity: 'per-channel', symmetric: true },
    });
  });

  it('rejects invalid spaces with the path and the value', () => {
    spaceError({}, /^space must include at least one technique/);
    spaceError({ prunning: {} }, /^space has unknown technique "prunning"/);
    spaceError({ lowRank: {} }, /^space.lowRank.rankRatio is required$/);
    spaceError({ lowRank: { rankRatio: { low: 0.5, high: 1.5 } } }, /^space.lowRank.rankRatio.high must be a number in \(0, 1\], got 1.5$/);
    spaceError({ lowRank: { rankRatio: { low: 0.2, high: 0.9, step: 0.25 } } }, /^space.lowRank.rankRatio needs high − low to be a multiple of step/);
    spaceError({ lowRank: { rankRatio: { low: 0.1, high: 0.9, step: 0.1, log: true } } }, /cannot combine step and log/);
    spaceError({ distill: { alpha: { low: 0, high: 1, log: true } } }, /^space.distill.alpha.low must be > 0 on a log scale, got 0$/);
    spaceError({ lowRank: { rankRatio: { low: 0.123456, high: 1 } } }, /at most 4 significant digits/);
    spaceError({ quant: { weightBits: { low: 4, high: 16 } } }, /^space.quant.weightBits includes 9, which is not an integer 1–8, 16 or 32; list the values instead$/);
    spaceError({ quant: { weightBits: 8, granularity: { low: 0, high: 1 } } }, /takes a value or \{values: \[...\]\}, not a range/);
    spaceError({ quant: { weightBits: { values: [] } } }, /^space.quant.weightBits.values must be a non-empty list/);
    spaceError({ quant: { weightBits: { values: [4, 4] } } }, /lists 4 twice/);
    spaceError({ prune: { ratio: 0.5, sparsity: 0.5 } }, /^space.prune has unknown parameter "sparsity"/);
    spaceError({ prune: { ratio: 0.5, optional: 'no' } }, /^space.prune.optional must be true or false, got "no"$/);
  });
});

describe('SearchSpace', () => {
  it('enumerates a finite space: every recipe once, valid, inside, and round-tripping through its point', () => {
    const space = defineSpace(discrete);
    const keys = new Set<string>();
    for (let i = 0; i < space.size; i++) {
      const recipe = space.recipeAt(i);
      parseRecipe(recipe);
      assert.equal(space.whyOutside(recipe), undefined);
      assert.equal(recipeKey(space.decode(space.encode(recipe))), recipeKey(recipe));
      keys.add(recipeKey(recipe));
    }
    assert.equal(keys.size, 135);
  });

  it('counts recipes that only differ in a meaningless field once', () => {
    // scope is meaningless for channel pruning: 2 ratios × (2 scopes + 1) + off = 7.
    const space = defineSpace({ prune: { ratio: { values: [0.5, 0.7] }, structure: { values: ['unstructured', 'channel'] }, scope: { values: ['global', 'layer'] } } });
    assert.equal(space.size, 7);
  });

  it('decodes random points of a continuous space into canonical recipes inside it', () => {
    const space = defineSpace(continuous);
    const rng = new Rng(9);
    for (let i = 0; i < 500; i++) {
      const point = space.randomPoint(rng);
      if (!space.isValidPoint(point)) continue;
      const recipe = space.decode(point);
      assert.equal(space.whyOutside(recipe), undefined, recipeKey(recipe));
      assert.equal(recipeKey(space.decode(space.encode(recipe))), recipeKey(recipe));
      const e = recipe.distill?.epochs;
      if (e !== undefined) assert.ok(e >= 1 && e <= 30 && Number.isFinite(e));
    }
  });

  it('explains why a recipe is outside', () => {
    const space = defineSpace(discrete);
    const q = { weightBits: 8, activationBits: 8, granularity: 'per-channel', symmetric: true } as const;
    assert.match(space.whyOutside({ quant: q, distill: { temperature: 4, alpha: 0.5, epochs: 1, layers: 'all' } })!, /applies distill, which the space leaves out/);
    assert.match(space.whyOutside({ lowRank: { rankRatio: 0.5 } })!, /leaves out quant, which the space always applies/);
    assert.match(space.whyOutside({ quant: q, lowRank: { rankRatio: 0.4 } })!, /lowRank.rankRatio = 0.4 is not one of the space's values/);
    assert.match(space.whyOutside({ quant: { ...q, granularity: 'per-tensor' } })!, /quant.granularity is fixed at "per-channel", got "per-tensor"/);
    assert.throws(() => space.encode({ lowRank: { rankRatio: 0.5 } }), (e: unknown) => e instanceof SearchError && e.code === 'BAD_RECIPE');
  });

  it('round-trips its JSON', () => {
    const space = defineSpace(continuous);
    assert.deepEqual(defineSpace(JSON.parse(JSON.stringify(space))).genes, space.genes);
  });
});
