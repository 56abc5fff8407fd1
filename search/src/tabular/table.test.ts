import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SearchError } from '../errors.js';
import { constraintViolation } from '../objectives/objectives.js';
import { createSampler } from '../samplers/create-sampler.js';
import { Rng } from '@frontier/workers';
import { formatTable } from './format-table.js';
import { FrontTracker, trueFront, type BenchmarkProblem } from './front-tracker.js';
import { evaluationsToReach, replay } from './replay.js';
import { syntheticFashionCnnTable } from './synthetic-fashion-cnn.js';
import { expectedAccuracy } from './synthetic-model.js';
import { parseTable } from './table.js';

const CHECKED_IN = new URL('../../tables/synthetic-fashion-cnn.json', import.meta.url);
const problem: BenchmarkProblem = { objectives: ['accuracy', 'latencyMs', 'deployBytes'], constraints: { minAccuracy: 0.8, maxLatencyMs: 20 } };

function tableError(file: unknown, message: RegExp): void {
  assert.throws(
    () => parseTable(file),
    (e: unknown) => e instanceof SearchError && message.test(e.message),
    `expected ${message}`,
  );
}

describe('tables', () => {
  const generated = syntheticFashionCnnTable();

  it('the checked-in synthetic table is exactly what its generator writes', () => {
    assert.equal(readFileSync(CHECKED_IN, 'utf8'), formatTable(generated));
  });

  it('parses a table covering its space and looks recipes up', () => {
    const table = parseTable(JSON.parse(readFileSync(CHECKED_IN, 'utf8')));
    assert.equal(table.file.rows.length, 728);
    assert.equal(table.space.size, 728);
    const row = table.file.rows[100]!;
    assert.deepEqual(table.lookup(row.recipe), row.metrics);
    assert.throws(() => table.lookup({ lowRank: { rankRatio: 0.3 } }), /is not in table "synthetic-fashion-cnn"/);
  });

  it('rejects malformed tables', () => {
    const rows = generated.rows;
    tableError({ ...generated, format: 'csv' }, /table format must be "frontier-table\/1", got "csv"/);
    tableError({ ...generated, rows: rows.slice(1) }, /table has 727 recipes, its space 728: a table must cover its whole space/);
    tableError({ ...generated, rows: [...rows.slice(1), rows[1]] }, /rows\[727\].recipe repeats/);
    tableError({ ...generated, rows: [{ ...rows[0]!, metrics: { ...rows[0]!.metrics, energy: 1 } }, ...rows.slice(1)] }, /rows\[0\].metrics has unknown metric "energy"/);
    tableError({ ...generated, rows: [{ ...rows[0]!, recipe: { lowRank: { rankRatio: 0.3 } } }, ...rows.slice(1)] }, /rows\[0\].recipe is outside the table's space/);
    tableError({ ...generated, space: { lowRank: { rankRatio: { low: 0.1, high: 1 } } } }, /a table space must be finite/);
  });

  it('follows its accuracy model within the evaluation noise', () => {
    // Binomial noise on 5000 images plus 0.3 % fine-tuning spread: |error| < 5 σ everywhere, σ taken
    // at each row's expected accuracy (σ ≈ 0.004 near 90 %, up to 0.008 for the most compressed rows).
    for (const row of generated.rows) {
      const mean = expectedAccuracy(row.recipe);
      const sigma = Math.sqrt((mean * (1 - mean)) / 5000 + (row.recipe.distill ? 0.003 ** 2 : 0));
      assert.ok(Math.abs(row.metrics.accuracy! - mean) < 5 * sigma, `${JSON.stringify(row.recipe)}: ${row.metrics.accuracy} vs ${mean}`);
    }
  });
});

describe('replay on a table', () => {
  const table = parseTable(syntheticFashionCnnTable());
  const truth = trueFront(table, problem);

  it('finds the true front by visiting every recipe', () => {
    const { fractions, recipes } = replay({ table, problem, truth, sampler: createSampler({ kind: 'grid' }, { ...problem, space: table.space, rng: new Rng(1) }) });
    assert.equal(recipes.length, 728);
    assert.ok(Math.abs(fractions.at(-1)! - 1) < 1e-12);
    for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i]! >= fractions[i - 1]!, 'found hypervolume never shrinks');
  });

  it('tracks the found hypervolume against a hand-made front', () => {
    const tracker = new FrontTracker({ objectives: ['accuracy', 'latencyMs'], constraints: {} }, {
      ideal: Float64Array.from([-1, 0]),
      nadir: Float64Array.from([0, 1]),
      hypervolume: 1.1 * 1.1,
      size: 1,
      feasible: 1,
      rows: [0],
    });
    // Scaled (0.5, 0.5): box (1.1 − 0.5)² = 0.36 of 1.21.
    assert.ok(Math.abs(tracker.add({ accuracy: 0.5, latencyMs: 0.5 }) - 0.36 / 1.21) < 1e-12);
    assert.ok(Math.abs(tracker.add({ accuracy: 0.4, latencyMs: 0.6 }) - 0.36 / 1.21) < 1e-12, 'a dominated point adds nothing');
    assert.ok(Math.abs(tracker.add({ accuracy: 1, latencyMs: 0 }) - 1) < 1e-12);
    assert.equal(evaluationsToReach([0.2, 0.5, 0.95, 1], 0.95), 3);
    assert.equal(evaluationsToReach([0.2, 0.5], 0.9), undefined);
  });

  it('model-based samplers need fewer evaluations than random search to reach 95 % (5 seeds)', () => {
    const median = (kind: 'random' | 'tpe' | 'nsga2') => {
      const counts = [1, 2, 3, 4, 5].map((seed) => {
        const sampler = createSampler({ kind }, { ...problem, space: table.space, rng: new Rng(seed) });
        return evaluationsToReach(replay({ table, problem, truth, sampler, stopAt: 0.95 }).fractions, 0.95)!;
      });
      return counts.sort((a, b) => a - b)[2]!;
    };
    const random = median('random');
    assert.ok(median('tpe') < random / 2, `tpe ${median('tpe')} vs random ${random}`);
    assert.ok(median('nsga2') < random, `nsga2 ${median('nsga2')} vs random ${random}`);
  });

  it('counts feasible recipes as the constraints say', () => {
    assert.equal(truth.feasible, table.file.rows.filter((r) => constraintViolation(r.metrics, problem.constraints) === 0).length);
    assert.ok(truth.size > 1 && truth.size <= truth.feasible);
    assert.equal(truth.rows.length, truth.size);
    // Replaying exactly the true front's rows finds all of its hypervolume.
    const tracker = new FrontTracker(problem, truth);
    let fraction = 0;
    for (const i of truth.rows) fraction = tracker.add(table.file.rows[i]!.metrics);
    assert.ok(Math.abs(fraction - 1) < 1e-12);
  });
});
