import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SearchError } from '../errors.js';
import { constraintViolation } from '../objectives/objectives.js';
import { createSampler } from '../samplers/create-sampler.js';
import { Rng } from '@frontier/workers';
import { formatTable } from './format-table.js';
import { benchmarkProblem, FrontTracker, trueFront, type BenchmarkProblem } from './front-tracker.js';
import { evaluationsToReach, replay } from './replay.js';
import { syntheticFashionCnnTable } from './synthetic-fashion-cnn.js';
import { tableScreen } from './table-screen.js';
import { expectedAccuracy } from './synthetic-model.js';
import { parseTable } from './table.js';

const CHECKED_IN = new URL('../../tables/synthetic-fashion-cnn.json', import.meta.url);

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

  it('the real table covers its 120-recipe space with measured accuracies and its provenance', () => {
    const real = parseTable(JSON.parse(readFileSync(new URL('../../tables/fashion-cnn-stm32h7.json', import.meta.url), 'utf8')));
    assert.equal(real.space.size, 120);
    const accuracies = real.file.rows.map((r) => r.metrics.accuracy!);
    // fashion-cnn reaches ~0.93 on val uncompressed; 2-bit weights without retraining fall to chance.
    assert.ok(Math.max(...accuracies) > 0.9 && Math.min(...accuracies) < 0.2);
    assert.deepEqual(Object.keys(real.file.rows[0]!.metrics).sort(), ['accuracy', 'deployBytes', 'latencyMs', 'macs', 'modelBytes', 'params', 'peakRamBytes']);
    assert.equal((real.file.provenance as { seed: number }).seed, 1);
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
  const problem = benchmarkProblem(table);
  const truth = trueFront(table, problem);

  it('normalises the objectives the table has: accuracy to its floor, costs on log scales', () => {
    assert.deepEqual(problem.objectives, ['accuracy', 'deployBytes', 'macs', 'latencyMs']);
    assert.deepEqual(problem.constraints, { minAccuracy: 0.85 });
    const best = Math.max(...table.file.rows.map((r) => r.metrics.accuracy!));
    assert.deepEqual(problem.scales[0], { metric: 'accuracy', scale: 'accuracy', lo: 0.85, hi: best });
    const macs = table.file.rows.map((r) => r.metrics.macs!);
    assert.deepEqual(problem.scales[2], { metric: 'macs', scale: 'log', lo: Math.min(...macs), hi: Math.max(...macs) });
    const withoutLatency = parseTable({ ...table.file, rows: table.file.rows.map((r) => ({ recipe: r.recipe, metrics: { accuracy: r.metrics.accuracy, deployBytes: r.metrics.deployBytes } })) });
    assert.deepEqual(benchmarkProblem(withoutLatency, { accuracyFloor: 0.5 }).objectives, ['accuracy', 'deployBytes']);
    assert.throws(() => benchmarkProblem(table, { accuracyFloor: 0.99 }), /accuracyFloor must be in \(0, 0\.9\d*\) \(the table's best accuracy\), got 0\.99/);
  });

  it('finds the true front by visiting every recipe', async () => {
    const { fractions, recipes } = await replay({ table, problem, truth, sampler: createSampler({ kind: 'grid' }, { ...problem, space: table.space, rng: new Rng(1) }) });
    assert.equal(recipes.length, 728);
    assert.ok(Math.abs(fractions.at(-1)! - 1) < 1e-12);
    for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i]! >= fractions[i - 1]!, 'found hypervolume never shrinks');
  });

  it('tracks the found hypervolume against a hand-made front', () => {
    const hand: BenchmarkProblem = {
      objectives: ['accuracy', 'latencyMs'],
      constraints: { minAccuracy: 0.5 },
      scales: [
        { metric: 'accuracy', scale: 'accuracy', lo: 0.5, hi: 1 },
        { metric: 'latencyMs', scale: 'log', lo: 1, hi: 100 },
      ],
    };
    const tracker = new FrontTracker(hand, { hypervolume: 1 });
    // accuracy 0.75 → 0.5; latency 10 ms → log10(10) / log10(100) = 0.5: box (1 − 0.5)² = 0.25.
    assert.ok(Math.abs(tracker.add({ accuracy: 0.75, latencyMs: 10 }) - 0.25) < 1e-12);
    assert.ok(Math.abs(tracker.add({ accuracy: 0.7, latencyMs: 20 }) - 0.25) < 1e-12, 'a dominated point adds nothing');
    assert.equal(tracker.add({ accuracy: 0.45, latencyMs: 1 }), 0.25, 'a point below the floor adds nothing');
    assert.ok(Math.abs(tracker.add({ accuracy: 1, latencyMs: 1 }) - 1) < 1e-12);
    assert.equal(evaluationsToReach([0.2, 0.5, 0.95, 1], 0.95), 3);
    assert.equal(evaluationsToReach([0.2, 0.5], 0.9), undefined);
  });

  it('model-based samplers need fewer evaluations than random search to reach 95 % (5 seeds)', async () => {
    const median = async (kind: 'random' | 'tpe' | 'nsga2' | 'gp') => {
      const counts: number[] = [];
      for (const seed of [1, 2, 3, 4, 5]) {
        const screen = tableScreen({ table, constraints: problem.constraints });
        const sampler = createSampler({ kind }, { ...problem, space: table.space, rng: new Rng(seed), screen });
        counts.push(evaluationsToReach((await replay({ table, problem, truth, sampler, stopAt: 0.95 })).fractions, 0.95)!);
      }
      return counts.sort((a, b) => a - b)[2]!;
    };
    const random = await median('random');
    const [tpe, nsga2, gp] = [await median('tpe'), await median('nsga2'), await median('gp')];
    assert.ok(tpe < random / 2, `tpe ${tpe} vs random ${random}`);
    assert.ok(nsga2 < random, `nsga2 ${nsga2} vs random ${random}`);
    assert.ok(gp < tpe, `gp ${gp} vs tpe ${tpe}`);
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
