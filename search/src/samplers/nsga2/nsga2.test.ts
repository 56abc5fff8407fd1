import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '@frontier/workers';
import { defineSpace } from '../../space/define-space.js';
import { crossover } from './crossover.js';
import { mutate } from './mutation.js';
import { selectSurvivors } from './survival.js';

const space = defineSpace({
  lowRank: { rankRatio: { low: 0.1, high: 1 } },
  quant: { weightBits: { values: [2, 4, 6, 8] }, granularity: { values: ['per-tensor', 'per-channel'] } },
});

describe('NSGA-II operators', () => {
  it('survival keeps fronts in rank order and splits the last by crowding', () => {
    // Front 0: rows 0, 1, 2 (1 is crowded between 0 and 2); front 1: row 3; infeasible: row 4.
    const values = Float64Array.from([0, 4, 1, 2.9, 4, 0, 2, 4, 0, 0]);
    const violations = Float64Array.from([0, 0, 0, 0, 1]);
    assert.deepEqual(selectSurvivors(values, violations, 2, [0, 1, 2, 3, 4], 2).sort(), [0, 2]);
    assert.deepEqual(selectSurvivors(values, violations, 2, [0, 1, 2, 3, 4], 4), [0, 2, 1, 3]);
  });

  it('crossover and mutation keep every gene a valid coordinate and take inactive genes from the active parent', () => {
    const rng = new Rng(4);
    const a = Float64Array.from([1, 0.1, 1, 0, 0]);
    const b = Float64Array.from([0, Number.NaN, 1, 1, 1]);
    for (let i = 0; i < 500; i++) {
      const child = crossover(space.genes, a, b, rng);
      assert.equal(child[1], 0.1, 'rank ratio inactive in b comes from a');
      mutate(space.genes, child, 0.5, rng);
      space.genes.forEach((g, k) => {
        const x = child[k]!;
        if (g.kind === 'categorical') assert.ok(Number.isInteger(x) && x >= 0 && x < g.choices.length);
        else assert.ok(x >= 0 && x <= 1, `${g.name} = ${x}`); // discrete levels snap when decoded
      });
      assert.ok(space.isValidPoint(child));
    }
  });

  it('mutation changes a categorical gene when it fires', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 100; i++) {
      const p = Float64Array.from([1, 0.5, 1, 2 / 3, 1]);
      mutate(space.genes, p, 1, rng);
      assert.equal(p[0], 0);
      assert.equal(p[4], 0);
      assert.notEqual(p[3], 2 / 3);
    }
  });
});
