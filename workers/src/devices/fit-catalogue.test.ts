import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOGUE_COST_MODELS } from './catalogue-costs.js';
import { CATALOGUE_STACKS } from './catalogue-stacks.js';
import { modelCostFeatures } from './cost-model.js';
import { deviceGraph } from './device-graph.js';
import { catalogueStack } from './catalogue-stack.js';
import { fitStack, heldOutCheck, stackRows, stackSample } from './fit-catalogue.js';
import { fitStackCosts } from './fit-stack-costs.js';
import { coreRatio } from './transfer-stack.js';
import { dsCnn } from './reference/ds-cnn.js';
import { mobileNetV1 } from './reference/mobilenet-v1.js';
import { REFERENCE_FEATURES } from './reference-features.js';

describe('catalogue cost fits', () => {
  it('keeps the reference models\' cost features as the built models have them', () => {
    assert.deepEqual([...modelCostFeatures(deviceGraph(dsCnn('qdq')), 'int8')], REFERENCE_FEATURES.kws.int8);
    assert.deepEqual([...modelCostFeatures(deviceGraph(mobileNetV1('qdq')), 'int8')], REFERENCE_FEATURES.vww.int8);
  });

  it('reproduces the measurements each stack was fitted on', () => {
    for (const stack of ['x-cube-ai-9', 'tflm-reference']) {
      const fit = fitStack(stack);
      for (const row of stackRows(stack)) {
        const s = stackSample(row);
        const predicted = fit.predictMs(s.core, s.clockHz, s.features);
        assert.ok(Math.abs(predicted / row.latencyMs - 1) < 0.05, `${s.label}: fitted ${predicted.toFixed(2)} ms, published ${row.latencyMs} ms`);
      }
      assert.ok(fit.rmsRelativeError < 0.05, `${stack}: rms ${fit.rmsRelativeError}`);
    }
  });

  it('recovers a profile exactly when the samples follow the model', () => {
    // Synthetic: three cores at known speeds running two models with known costs; a weak prior.
    const truth = [1.2, 2.5, 0.8, 1.6, 3, 4, 14, 4, 900];
    const models = [REFERENCE_FEATURES.kws.int8!, REFERENCE_FEATURES.vww.int8!, [9e5, 0, 4e5, 1e4, 2e5, 1e5, 6e4, 3e3, 9]];
    const speeds = { a: 1, b: 1.7, c: 0.6 };
    const samples = Object.entries(speeds).flatMap(([core, s]) =>
      models.map((f, i) => ({ core, clockHz: 1e8, features: Float64Array.from(f), measuredMs: (s * f.reduce((a, v, j) => a + v * truth[j]!, 0)) / 1e5, label: `${core}.${i}` })),
    );
    const fit = fitStackCosts(samples, { prior: { conv: 1, depthwise: 1, pointwise: 1, dense: 1, border: 1, narrow: 1, perOutput: 10, elementwise: 5, perOp: 1000 }, priorWeight: 1e-6, iterations: 200 });
    for (const s of samples) assert.ok(Math.abs(fit.predictMs(s.core, s.clockHz, s.features) / s.measuredMs - 1) < 0.01, s.label);
    assert.ok(Math.abs(fit.scales.get('b')! / fit.scales.get('a')! - 1.7) < 0.01);
  });

  it('names the bad input', () => {
    assert.throws(() => stackRows('cmsis-nn-9'), /no published results for stack "cmsis-nn-9" \(known: x-cube-ai-9, /);
    assert.throws(() => fitStackCosts([], { prior: { conv: 1, depthwise: 1, pointwise: 1, dense: 1, border: 1, narrow: 1, perOutput: 1, elementwise: 1, perOp: 1 } }), /at least one sample, got 0/);
    const s = stackSample(stackRows('x-cube-ai-9')[0]!);
    assert.throws(() => fitStackCosts([s], { prior: { conv: 0, depthwise: 1, pointwise: 1, dense: 1, border: 1, narrow: 1, perOutput: 1, elementwise: 1, perOp: 1 } }), /prior\.conv must be > 0, got 0/);
    assert.throws(() => fitStackCosts([{ ...s, measuredMs: -1 }], { prior: { conv: 1, depthwise: 1, pointwise: 1, dense: 1, border: 1, narrow: 1, perOutput: 1, elementwise: 1, perOp: 1 } }), /latency and clock must be positive, got -1 ms/);
    assert.throws(() => fitStack('x-cube-ai-9').cycles('NUCLEO_G0B1RE'), /core "NUCLEO_G0B1RE" has no sample in this fit/);
  });

  it('ships the figures the fits give (catalogue-costs.ts is up to date)', () => {
    for (const [id, options] of Object.entries(CATALOGUE_STACKS)) {
      const shipped = CATALOGUE_COST_MODELS[id]!;
      options.forEach((o, i) => {
        const fresh = catalogueStack(o);
        const kept = shipped[i]!;
        assert.equal(kept.stack, fresh.stack);
        assert.equal(kept.source, fresh.source);
        const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-3 * Math.max(Math.abs(b), 1e-9), `${id}/${o.stack} ${what}: shipped ${a}, fit ${b}`);
        close(kept.heldOutError, fresh.heldOutError, 'heldOutError');
        for (const [p, c] of Object.entries(fresh.cycles)) {
          for (const [term, v] of Object.entries(c)) close((kept.cycles as Record<string, Record<string, number>>)[p]![term]!, v, `${p}.${term}`);
        }
      });
    }
  });

  it('carries a stack measured on one core to another by the median cycle ratio of the stacks measured on both', () => {
    const r = coreRatio('cortex-m4', 'cortex-m7', 'tflm-reference');
    assert.deepEqual(r.stacks, ['x-cube-ai-9', 'x-cube-ai-8.1', 'x-cube-ai-7.3', 'plumerai-2023.05', 'hale-1.0']);
    // Each stack's ratio, by its fitted board speeds; the median and the widest deviation from it.
    const ratios = r.stacks.map((s) => {
      const rows = stackRows(s);
      const scales = fitStack(s).scales;
      return scales.get(rows.find((x) => x.core === 'cortex-m7')!.board)! / scales.get(rows.find((x) => x.core === 'cortex-m4')!.board)!;
    });
    assert.equal(r.ratio, [...ratios].sort((a, b) => a - b)[2]);
    assert.ok(r.ratio > 0.5 && r.ratio < 0.7, `M7 runs the same kernels in fewer cycles than the M4: ${r.ratio}`);
    assert.equal(r.spread, Math.max(...ratios.map((x) => Math.abs(x / r.ratio - 1))));
    const m7 = catalogueStack({ stack: 'tflm-reference', board: 'Nucleo-L4R5ZI', core: 'cortex-m7' });
    const m4 = catalogueStack({ stack: 'tflm-reference', board: 'Nucleo-L4R5ZI' });
    assert.ok(Math.abs(m7.cycles.int8!.pointwise / m4.cycles.int8!.pointwise - r.ratio) < 1e-12);
    assert.ok(Math.abs(m7.heldOutError - ((1 + m4.heldOutError) * (1 + r.spread) - 1)) < 1e-12);
    assert.throws(() => coreRatio('cortex-m4', 'cortex-a72', 'tflm-reference'), /no stack was measured on both cortex-m4 and cortex-a72/);
  });

  it('holds every catalogue MCU core of the vendor stack within ±30 % on the held-out rows', () => {
    const errors = heldOutCheck('x-cube-ai-9', 'per-board');
    assert.equal(errors.length, 6);
    for (const e of errors) assert.ok(Math.abs(e.error) <= 0.3, `${e.board} ${e.task}: ${(e.error * 100).toFixed(1)} %`);
  });
});
