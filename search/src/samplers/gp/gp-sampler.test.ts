import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SearchError } from '../../errors.js';
import type { Metric, TrialMetrics } from '../../objectives/objectives.js';
import { canonicalRecipe, recipeKey, Rng, type Recipe } from '@frontier/workers';
import { defineSpace } from '../../space/define-space.js';
import type { SearchSpace } from '../../space/search-space.js';
import { costMetrics, expectedAccuracy } from '../../tabular/synthetic-model.js';
import { createSampler, parseSamplerConfig } from '../create-sampler.js';
import type { RecipeScreen, Sampler, Trial } from '../sampler.js';

const finite = defineSpace({
  lowRank: { rankRatio: { values: [0.25, 0.5] } },
  prune: { ratio: { low: 0.3, high: 0.9, step: 0.2 }, structure: { values: ['unstructured', 'channel'] } },
  quant: { optional: false, weightBits: { values: [4, 8, 16] }, activationBits: { values: [8, 32] } },
});
const continuous = defineSpace({
  lowRank: { rankRatio: { low: 0.05, high: 1 } },
  prune: { ratio: { low: 0, high: 0.95 }, structure: { values: ['unstructured', 'channel'] } },
  distill: { epochs: { low: 0.1, high: 2, log: true } },
  quant: { weightBits: { low: 2, high: 8 }, activationBits: { values: [8, 32] } },
});
const objectives: readonly Metric[] = ['accuracy', 'deployBytes', 'latencyMs'];
/** Recipes over 6 ms on the synthetic STM32H7 model are ruled out by the screen. */
const MAX_LATENCY = 6;

/** The synthetic model's costs as the pre-screen, counting the recipes it sees. */
function syntheticScreen(seen: Recipe[] = []): RecipeScreen {
  return (recipes) => {
    seen.push(...recipes);
    return Promise.resolve(
      recipes.map((r) => {
        const metrics = costMetrics(r);
        return { metrics, violations: metrics.latencyMs > MAX_LATENCY ? [`latency ${metrics.latencyMs} > ${MAX_LATENCY}`] : [] };
      }),
    );
  };
}
const evaluate = (r: Recipe): TrialMetrics => ({ accuracy: expectedAccuracy(r), ...costMetrics(r) });

function make(space: SearchSpace, seed: number, screen = syntheticScreen()): Sampler {
  return createSampler({ kind: 'gp' }, { space, objectives, constraints: { minAccuracy: 0.8, maxLatencyMs: MAX_LATENCY }, rng: new Rng(seed), screen });
}

async function run(sampler: Sampler, n: number): Promise<Trial[]> {
  const trials: Trial[] = [];
  for (let i = 0; i < n; i++) {
    await sampler.prepare!({ trials, pending: [] });
    const recipe = sampler.ask({ trials, pending: [] });
    const trial: Trial = { recipe, status: 'done', metrics: evaluate(recipe) };
    trials.push(trial);
    sampler.tell(trial);
  }
  return trials;
}

describe('gp sampler', () => {
  for (const space of [finite, continuous]) {
    const label = Number.isFinite(space.size) ? 'finite space' : 'continuous space';

    it(`${label}: proposes canonical, unseen recipes of the space that the screen lets through`, async () => {
      const trials = await run(make(space, 1), 25);
      assert.equal(new Set(trials.map((t) => recipeKey(t.recipe))).size, 25);
      for (const { recipe, metrics } of trials) {
        assert.deepEqual(canonicalRecipe(recipe), recipe);
        assert.equal(space.whyOutside(recipe), undefined);
        assert.ok(metrics!.latencyMs! <= MAX_LATENCY, `${recipeKey(recipe)} was ruled out by the screen`);
      }
    });

    it(`${label}: a seed reproduces its sequence`, async () => {
      const keys = async (seed: number) => (await run(make(space, seed), 15)).map((t) => recipeKey(t.recipe));
      assert.deepEqual(await keys(3), await keys(3));
    });
  }

  it('different seeds differ where the pool is sampled', async () => {
    const keys = async (seed: number) => (await run(make(continuous, seed), 10)).map((t) => recipeKey(t.recipe));
    assert.notDeepEqual(await keys(3), await keys(4));
  });

  it('a batch in flight never repeats a recipe and spreads out', async () => {
    const sampler = make(finite, 2);
    const trials = await run(sampler, 8);
    const pending: Recipe[] = [];
    for (let i = 0; i < 6; i++) {
      await sampler.prepare!({ trials, pending });
      pending.push(sampler.ask({ trials, pending }));
    }
    assert.equal(new Set([...trials.map((t) => t.recipe), ...pending].map(recipeKey)).size, 14);
  });

  it('screens in batches, each recipe once, and exhausts the feasible part of a finite space', async () => {
    const screened: Recipe[] = [];
    const sampler = make(finite, 5, syntheticScreen(screened));
    const feasible = Array.from({ length: finite.size }, (_, i) => finite.recipeAt(i)).filter((r) => costMetrics(r).latencyMs <= MAX_LATENCY).length;
    const trials = await run(sampler, feasible);
    assert.equal(new Set(screened.map(recipeKey)).size, screened.length, 'no recipe screened twice');
    assert.equal(screened.length, finite.size);
    await sampler.prepare!({ trials, pending: [] });
    assert.throws(
      () => sampler.ask({ trials, pending: [] }),
      (e: unknown) => e instanceof SearchError && e.code === 'SPACE_EXHAUSTED',
    );
  });

  it('finds accurate, cheap recipes sooner than random search on the synthetic model', async () => {
    // The best accuracy among recipes under 3 ms after 12 evaluations, median over 3 seeds.
    const bestFast = (trials: Trial[]) => Math.max(0, ...trials.filter((t) => t.metrics!.latencyMs! < 3).map((t) => t.metrics!.accuracy!));
    const gp: number[] = [];
    const random: number[] = [];
    for (const seed of [1, 2, 3]) {
      gp.push(bestFast(await run(make(continuous, seed), 12)));
      const r = createSampler({ kind: 'random' }, { space: continuous, objectives, constraints: {}, rng: new Rng(seed) });
      const trials: Trial[] = [];
      for (let i = 0; i < 12; i++) {
        const recipe = r.ask({ trials, pending: [] });
        trials.push({ recipe, status: 'done', metrics: evaluate(recipe) });
      }
      random.push(bestFast(trials));
    }
    const med = (v: number[]) => [...v].sort((a, b) => a - b)[1]!;
    assert.ok(med(gp) > med(random), `gp ${gp} vs random ${random}`);
  });

  it('needs a screen and accuracy among the objectives, and validates its options', () => {
    assert.throws(() => createSampler({ kind: 'gp' }, { space: finite, objectives, constraints: {}, rng: new Rng(1) }), /sampler "gp" weighs pre-screened recipes: give it a screen/);
    assert.throws(
      () => createSampler({ kind: 'gp' }, { space: finite, objectives: ['latencyMs'], constraints: {}, rng: new Rng(1), screen: syntheticScreen() }),
      /sampler "gp" models accuracy: the objectives must include it, got latencyMs/,
    );
    assert.deepEqual(parseSamplerConfig({ kind: 'gp', pool: 512 }), { kind: 'gp', pool: 512 });
    assert.throws(() => parseSamplerConfig({ kind: 'gp', screenPerAsk: 0 }), /sampler.screenPerAsk must be an integer ≥ 1, got 0/);
  });
});
