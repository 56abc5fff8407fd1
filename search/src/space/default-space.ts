/**
 * The space a run explores when the user gives none: every technique optional, over the ranges
 * where the trade-off is decided on Fashion-MNIST-sized classifiers. Distillation stays short
 * (0.1–1 epoch, log scale): it is the costliest stage, and recovery after pruning or low-rank comes
 * mostly in the first fraction of an epoch on a 55 000-image training set.
 */
export const DEFAULT_SPACE = {
  lowRank: { rankRatio: { low: 0.1, high: 0.9 } },
  prune: { ratio: { low: 0.1, high: 0.95 }, structure: { values: ['unstructured', 'channel'] } },
  distill: { temperature: { values: [2, 4, 8] }, alpha: { values: [0.5, 0.9] }, epochs: { low: 0.1, high: 1, log: true }, layers: { values: ['all'] } },
  quant: { weightBits: { values: [1, 2, 4, 8] }, activationBits: { values: [8, 32] }, granularity: { values: ['per-channel'] }, symmetric: { values: [true] } },
} as const;
