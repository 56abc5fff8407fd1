import { Rng } from '@frontier/workers';
import { defineSpace } from '../space/define-space.js';
import type { SpaceSpec } from '../space/space-spec.js';
import { syntheticMetrics } from './synthetic-model.js';
import { TABLE_FORMAT, type TableFile, type TableRow } from './table.js';

/**
 * The space of the synthetic table: 4 low-rank settings (off, 0.25, 0.5, 0.75) × 7 pruning settings
 * (off, 0.5/0.7/0.9 × unstructured/channel) × 2 distillation settings (off, 2 epochs) ×
 * 13 quantization settings (off, 2/4/8-bit weights × int8/float activations × per-tensor/channel)
 * = 728 recipes.
 */
export const SYNTHETIC_FASHION_CNN_SPACE: SpaceSpec = {
  lowRank: { rankRatio: { values: [0.25, 0.5, 0.75] } },
  prune: { ratio: { low: 0.5, high: 0.9, step: 0.2 }, structure: { values: ['unstructured', 'channel'] } },
  distill: { epochs: 2 },
  quant: { weightBits: { values: [2, 4, 8] }, activationBits: { values: [8, 32] }, granularity: { values: ['per-tensor', 'per-channel'] } },
};

/** The seed of the checked-in table (search/tables/synthetic-fashion-cnn.json). */
export const SYNTHETIC_TABLE_SEED = 20240601;

/** The synthetic table: every recipe of the space, in grid order, with metrics from synthetic-model.ts. */
export function syntheticFashionCnnTable(seed = SYNTHETIC_TABLE_SEED): TableFile {
  const space = defineSpace(SYNTHETIC_FASHION_CNN_SPACE);
  const rng = new Rng(seed);
  const rows: TableRow[] = [];
  for (let i = 0; i < space.size; i++) {
    const recipe = space.recipeAt(i);
    const m = syntheticMetrics(recipe, rng);
    // Rounded so the JSON stays readable: latency to 0.1 µs; sizes are whole bytes already.
    rows.push({ recipe, metrics: { ...m, latencyMs: Math.round(m.latencyMs * 1e4) / 1e4 } });
  }
  return {
    format: TABLE_FORMAT,
    name: 'synthetic-fashion-cnn',
    description:
      'Synthetic compression trade-offs of the zoo fashion-cnn (422k parameters) on an STM32H743 (predicted latency): ' +
      'costs counted from layer shapes, accuracy from literature-shaped damage curves with seeded noise. For benchmarking samplers only.',
    source: `search/src/tabular/synthetic-model.ts, seed ${seed}`,
    model: 'fashion-cnn shapes (synthetic metrics): conv3x3(1→32) pool conv3x3(32→64) pool fc(3136→128) fc(128→10)',
    dataset: 'fashion-mnist val (5000 images)',
    device: 'stm32h743 (Cortex-M7 480 MHz), PREDICTED',
    space: SYNTHETIC_FASHION_CNN_SPACE,
    rows,
  };
}
