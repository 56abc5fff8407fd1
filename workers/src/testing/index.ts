// Test support: small deterministic models, datasets and onnxruntime helpers for tests of the
// kernels, trainer, evaluation, devices and pool: `@frontier/workers/testing`.
// Not part of the production surface (`@frontier/workers`); nothing here is imported by `src/index.ts`.
export { noiseDataset, syntheticDataset } from './compress/datasets.js';
export { maskedOriginal } from './compress/masked-original.js';
export { cnnModel, mlpModel, randomInput, residualModel } from './compress/models.js';
export { formulaDequantized, simulatedReference } from './compress/quant-reference.js';
export { SESSION_OPTIONS, maxAbs, maxAbsDiff, optimizedOpTypes, runModel } from './compress/run-ort.js';
export { gradientCheck, mismatches, type GradientPair } from './train/grad-check.js';
export { smallCnn, stripesDataset } from './train/synthetic.js';
export { tinyCase, type TinyBuild, type TinyCase } from './train/tiny-models.js';
export { TEST_HOST, convNet, type ConvNetOptions } from './device-models.js';
export { tinyClassifier, tinyDataset } from './eval-models.js';
export type { FaultTask } from './fault-worker.js';
export { writeSyntheticImageFolder, type SyntheticImageFolderOptions } from './image-folder.js';
