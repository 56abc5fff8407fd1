import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SearchError } from '../errors.js';
import { constraintViolation, type Constraints, type Metric, type TrialMetrics } from '../objectives/objectives.js';
import { canonicalRecipe, recipeKey } from '@frontier/workers';
import { validateRecipe } from '@frontier/workers';
import type { Recipe } from '@frontier/workers';
import { Rng } from '@frontier/workers';
import { defineSpace } from '../space/define-space.js';
import type { SearchSpace } from '../space/search-space.js';
import { syntheticFashionCnnTable } from '../tabular/synthetic-fashion-cnn.js';
import { costMetrics, expectedAccuracy } from '../tabular/synthetic-model.js';
import { parseTable } from '../tabular/table.js';
import { createSampler, parseSamplerConfig, type SamplerConfig } from './create-sampler.js';
import type { Sampler, Trial } from './sampler.js';

const discreteSpace = defineSpace({
  lowRank: { rankRatio: { values: [0.25, 0.5] } },
  prune: { ratio: { low: 0.3, high: 0.9, step: 0.2 }, structure: { values: ['unstructured', 'channel'] } },
  quant: { optional: false, weightBits: { values: [4, 8, 16] }, activationBits: { values: [8, 32] } },
});
const continuousSpace = defineSpace({
  lowRank: { rankRatio: { low: 0.05, high: 1 } },
  prune: { ratio: { low: 0, high: 0.95 }, structure: { values: ['unstructured', 'channel'] }, scope: { values: ['global', 'layer'] } },
  distill: { temperature: { low: 1, high: 20, log: true }, alpha: { low: 0, high: 1 }, epochs: { low: 1, high: 30, log: true }, layers: { values: ['all', 1, 2] } },
  quant: { weightBits: { low: 2, high: 8 }, activationBits: { values: [8, 32] }, granularity: { values: ['per-tensor', 'per-channel'] } },
});

const objectives: readonly Metric[] = ['accuracy', 'latencyMs', 'deployBytes'];
const constraints: Constraints = { minAccuracy: 0.8 };
const KINDS: readonly SamplerConfig[] = [{ kind: 'random' }, { kind: 'grid' }, { kind: 'nsga2', populationSize: 12 }, { kind: 'tpe' }];
const modelKinds = KINDS.filter((k) => k.kind === 'nsga2' || k.kind === 'tpe');

const synthetic = (recipe: Recipe): TrialMetrics => ({ accuracy: expectedAccuracy(recipe), ...costMetrics(recipe) });

function make(config: SamplerConfig, space: SearchSpace, seed: number, cons: Constraints = constraints): Sampler {
  return createSampler(config, { space, objectives, constraints: cons, rng: new Rng(seed) });
}

/** Sequential ask/tell for `n` trials. */
function run(sampler: Sampler, n: number, metrics: (r: Recipe) => TrialMetrics = synthetic, tell = true): Trial[] {
  const trials: Trial[] = [];
  for (let i = 0; i < n; i++) {
    const recipe = sampler.ask({ trials, pending: [] });
    const trial: Trial = { recipe, status: 'done', metrics: metrics(recipe) };
    trials.push(trial);
    if (tell) sampler.tell(trial);
  }
  return trials;
}

describe('samplers', () => {
  for (const config of KINDS) {
    const spaces = config.kind === 'grid' ? [discreteSpace] : [discreteSpace, continuousSpace];
    for (const space of spaces) {
      const label = `${config.kind} on a ${Number.isFinite(space.size) ? 'finite' : 'continuous'} space`;

      it(`${label}: proposes only canonical, valid, unseen recipes of the space`, () => {
        const trials = run(make(config, space, 1), 100);
        const keys = new Set(trials.map((t) => recipeKey(t.recipe)));
        assert.equal(keys.size, trials.length, 'no recipe twice');
        for (const { recipe } of trials) {
          assert.deepEqual(validateRecipe(recipe), recipe);
          assert.deepEqual(canonicalRecipe(recipe), recipe);
          assert.equal(space.whyOutside(recipe), undefined, recipeKey(recipe));
        }
      });

      it(`${label}: a seed reproduces its sequence, another seed does not`, () => {
        const keys = (seed: number) => run(make(config, space, seed), 60).map((t) => recipeKey(t.recipe));
        assert.deepEqual(keys(7), keys(7));
        assert.notDeepEqual(keys(7), keys(8));
      });

      it(`${label}: reads history alone as it reads tells (a resumed run needs no replay)`, () => {
        const told = run(make(config, space, 3), 50).map((t) => recipeKey(t.recipe));
        const untold = run(make(config, space, 3), 50, synthetic, false).map((t) => recipeKey(t.recipe));
        assert.deepEqual(untold, told);
      });

      it(`${label}: a batch in flight never repeats a recipe`, () => {
        const sampler = make(config, space, 4);
        const trials = run(sampler, 30);
        const pending: Recipe[] = [];
        for (let i = 0; i < 16; i++) pending.push(sampler.ask({ trials, pending }));
        const keys = new Set([...trials.map((t) => t.recipe), ...pending].map(recipeKey));
        assert.equal(keys.size, 46);
      });
    }

    it(`${config.kind}: exhausts a finite space, each recipe once, then says so`, () => {
      const sampler = make(config, discreteSpace, 5);
      const trials = run(sampler, discreteSpace.size);
      assert.equal(new Set(trials.map((t) => recipeKey(t.recipe))).size, discreteSpace.size);
      assert.throws(
        () => sampler.ask({ trials, pending: [] }),
        (e: unknown) => e instanceof SearchError && e.code === 'SPACE_EXHAUSTED',
      );
    });
  }

  it('grid visits the space in a seeded order that differs between seeds', () => {
    const first = (seed: number) => run(make({ kind: 'grid' }, discreteSpace, seed), 10).map((t) => recipeKey(t.recipe));
    assert.notDeepEqual(first(1), first(2));
    assert.throws(() => make({ kind: 'grid' }, continuousSpace, 1), /grid search needs a finite space/);
  });

  // One recipe of the synthetic table's 728 is this accurate and this fast: random search needs
  // 364 evaluations on average to find it.
  const table = parseTable(syntheticFashionCnnTable());
  const oneFeasible: Constraints = { minAccuracy: 0.865, maxLatencyMs: 6 };
  for (const config of modelKinds) {
    it(`${config.kind} finds the one feasible recipe of a table within 200 evaluations`, () => {
      assert.equal(table.file.rows.filter((r) => constraintViolation(r.metrics, oneFeasible) === 0).length, 1);
      for (const seed of [1, 2, 3, 4, 5]) {
        const trials = run(make(config, table.space, seed, oneFeasible), 200, (r) => table.lookup(r));
        const found = trials.some((t) => constraintViolation(t.metrics!, oneFeasible) === 0);
        assert.ok(found, `seed ${seed}: no feasible recipe in 200 evaluations`);
      }
    });
  }

  it('ignores trials outside the space for the model but never proposes them again', () => {
    const sampler = make({ kind: 'tpe', startupTrials: 1 }, discreteSpace, 1);
    const outside: Trial = { recipe: { distill: { temperature: 4, alpha: 0.5, epochs: 1, layers: 'all' } }, status: 'done', metrics: { accuracy: 0.9, latencyMs: 1, deployBytes: 1 } };
    const failed: Trial = { recipe: discreteSpace.recipeAt(0), status: 'failed' };
    const recipe = sampler.ask({ trials: [outside, failed], pending: [] });
    assert.notEqual(recipeKey(recipe), recipeKey(failed.recipe));
  });

  it('rejects an infeasible trial that violates no constraint', () => {
    const sampler = make({ kind: 'nsga2' }, discreteSpace, 1);
    const trial: Trial = { recipe: discreteSpace.recipeAt(0), status: 'infeasible', metrics: { latencyMs: 1 } };
    assert.throws(() => sampler.tell(trial), /infeasible trial's metrics must violate a constraint/);
  });
});

describe('parseSamplerConfig', () => {
  it('accepts settings and rejects bad ones by name', () => {
    assert.deepEqual(parseSamplerConfig({ kind: 'tpe', candidates: 48 }), { kind: 'tpe', candidates: 48 });
    assert.throws(() => parseSamplerConfig({ kind: 'cmaes' }), /sampler.kind must be one of random, grid, nsga2, tpe, gp, got "cmaes"/);
    assert.throws(() => parseSamplerConfig({ kind: 'nsga2', populationSize: 1 }), /sampler.populationSize must be an integer ≥ 2, got 1/);
    assert.throws(() => parseSamplerConfig({ kind: 'grid', populationSize: 10 }), /sampler "grid" has no option "populationSize"/);
  });
});
