/**
 * The space a run explores when the user gives none: every technique optional, over the ranges
 * where the trade-off is decided on Fashion-MNIST-sized classifiers. Distillation stays short
 * (0.1–1 epoch, log scale): it is the costliest stage, and recovery after pruning or low-rank comes
 * mostly in the first fraction of an epoch on a 55 000-image training set. Pruning repairs itself
 * without training ('reconstruct') and weight-only codes are rounded on calibration images
 * ('gptq'): the no-fine-tune settings that held against PyTorch's own in the kernels benchmark
 * (channel pruning at 25 % within 3 points of the unpruned residual and depthwise CNNs; 2–4-bit
 * weights up to 50 points above rounding to nearest), so a candidate without distillation is
 * already a fair one.
 */
export const DEFAULT_SPACE = {
  lowRank: { rankRatio: { low: 0.1, high: 0.9 } },
  prune: { ratio: { low: 0.1, high: 0.95 }, structure: { values: ['unstructured', 'channel'] }, repair: 'reconstruct' },
  distill: { temperature: { values: [2, 4, 8] }, alpha: { values: [0.5, 0.9] }, epochs: { low: 0.1, high: 1, log: true }, layers: { values: ['all'] } },
  quant: { weightBits: { values: [1, 2, 4, 8] }, activationBits: { values: [8, 32] }, granularity: { values: ['per-channel'] }, symmetric: { values: [true] }, rounding: 'gptq' },
} as const;
