import type { Precision } from './device-spec.js';

/**
 * `modelCostFeatures` (in `KERNEL_CYCLE_TERMS` order: conv, depthwise and pointwise MACs, dense MACs,
 * depthwise MACs on the padding border, narrow-input conv MACs, output elements of MAC layers, elementwise work, layers) of the int8 QDQ builds of the MLPerf
 * Tiny reference models (`reference/ds-cnn.ts`, `reference/mobilenet-v1.ts`), kept here so that
 * loading the catalogue does not build and lower both networks; `fit-catalogue.test.ts` checks
 * them against the models.
 */
export const REFERENCE_FEATURES: Readonly<Record<'kws' | 'vww', Readonly<Partial<Record<Precision, readonly number[]>>>>> = {
  kws: { int8: [0, 288000, 2048000, 768, 129024, 320000, 72012, 8514, 14] },
  vww: { int8: [0, 798336, 6193152, 512, 224496, 497664, 231554, 29956, 32] },
};
