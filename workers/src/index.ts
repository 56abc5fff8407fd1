// Public surface of @frontier/workers: what the other packages use. Internals (graph rewriting,
// kernel maths, training plumbing) stay behind it; test support is `@frontier/workers/testing`.
export { WorkersError, UnreachableCaseError, type WorkersErrorCode } from './errors.js';

// --- ONNX I/O and analysis ---
export { DataType, defaultOpset, type Dim, type Model } from './onnx/model.js';
export { dataTypeName, floatTensor, makeTensor } from './onnx/tensor.js';
export { readModel } from './onnx/read-model.js';
export { writeModel } from './onnx/write-model.js';
export { analyzeModel, type ModelAnalysis, type NodeAnalysis } from './onnx/analyze-model.js';
export { GraphBuilder } from './onnx/graph-builder.js';

// --- datasets and evaluation ---
export { Rng } from './data/rng.js';
export { fillBatch, type Dataset } from './data/dataset.js';
export { defaultDataDir } from './data/data-dir.js';
export {
  FASHION_MNIST_CLASS_NAMES,
  loadFashionMnist,
  loadFashionMnistImages,
  type FashionMnistImages,
  type FashionMnistSplit,
} from './data/fashion-mnist.js';
export { encodeNpy } from './data/npy.js';
export { datasetFromBytes, loadDataset, type DatasetFromBytesOptions, type NamedBytes } from './data/user-dataset.js';
export { conformDataset, inputLayout, type InputLayout } from './data/conform-dataset.js';
export { type BadFilePolicy, type ResizeMode, type SkippedFile } from './data/image-folder.js';
export { NAMED_NORMALIZATIONS, prepareDataset, type PrepareDatasetOptions, type PreparedDataset } from './data/prepare-dataset.js';
export { datasetHasher, defaultStreamAboveBytes, loadRegisteredImages, registeredDatasetFile, registeredSplit, shouldStream, type DatasetRef, type RegisteredImages } from './data/registered-dataset.js';
export { DEFAULT_SPLIT, type DatasetSplit, type SplitFractions } from './data/split-codes.js';
export { createSession } from './eval/session.js';
export { evaluateAccuracy, type AccuracyOptions, type AccuracyResult } from './eval/evaluate-accuracy.js';
export { measureLatency, latencyInSession, type LatencyOptions, type LatencyResult } from './eval/measure-latency.js';
export { evaluateModel, type EvaluateModelOptions, type HostLatency, type ModelEvaluation } from './eval/evaluate-model.js';

// --- devices: catalogue, memory model, latency predictor, calibration ---
export {
  DEVICE_KINDS,
  HOST_DEVICE_ID,
  LAYER_KINDS,
  PRECISIONS,
  type DeviceCalibration,
  type DeviceKind,
  type DeviceSpec,
  type LayerClass,
  type LayerCoefficients,
  type LayerKind,
  type Precision,
} from './devices/device-spec.js';
export { validateDeviceSpec } from './devices/validate-device.js';
export { CATALOGUE_DEVICES, deviceCatalogue, findDevice } from './devices/catalogue.js';
export { detectHostFacts, hostDevice, type HostFacts } from './devices/host-device.js';
export { deviceGraph, deviceGraphFor, type DeviceGraph } from './devices/device-graph.js';
export { deviceMemory, type DeviceMemory } from './devices/device-memory.js';
export {
  predictLatency,
  type Latency,
  type LatencyPrediction,
  type LatencySource,
  type LayerLatency,
  type LatencyModelKind,
  type PredictionStack,
  type PredictOptions,
} from './devices/latency-model.js';
export { latencyBorderline, type UncertainLatency } from './devices/borderline.js';
export { calibrateDevice, type CalibrationSample } from './devices/calibrate.js';
export { KERNEL_CYCLE_TERMS, type KernelCycles, type StackCostModel } from './devices/cost-model.js';
export { heldOutCheck, type HeldOutResult } from './devices/fit-catalogue.js';
export { MLPERF_TINY_RESULTS, STACKS, type MlperfCore, type MlperfTinyResult } from './devices/mlperf-tiny-results.js';
export { dsCnn } from './devices/reference/ds-cnn.js';
export { mobileNetV1 } from './devices/reference/mobilenet-v1.js';
export { resNet8 } from './devices/reference/resnet-8.js';
export type { ReferencePrecision } from './devices/reference/reference-net.js';
export { nnls } from './devices/nnls.js';
export { predictionAccuracy, type PredictionAccuracy } from './devices/prediction-accuracy.js';
export { deviceReport, type DeviceReport } from './devices/device-report.js';
export { measureOnHost, type HostMeasurement } from './devices/measure-host.js';
export { parseMeasurementsCsv, type MeasurementRow } from './devices/measurements-csv.js';

// --- training and the model zoo ---
export { trainableParameters } from './train/trainable-parameters.js';
export { Trainer, type TrainerOptions, type TrainingBatch } from './train/trainer.js';
export { type EpochSummary, type TrainingProgress } from './train/fit.js';
export { ZOO_ARCHITECTURES, buildArchitecture, type ArchitectureShape, type ZooArchitecture } from './zoo/architectures.js';
export {
  ZOO_RECIPES,
  trainArchitecture,
  type ArchitectureMetrics,
  type TrainArchitectureOptions,
  type ZooRecipe,
} from './zoo/train-architecture.js';
export { zooDir, zooModelPath, type ZooEntry, type ZooManifest } from './zoo/manifest.js';

// --- compression: kernels (low-rank, pruning, distillation, quantization) and the recipe pipeline ---
export {
  compress,
  type CompressData,
  type CompressReport,
  type CompressResult,
  type StageDetails,
  type StageReport,
} from './compress/compress.js';
export { modelFigures, type ModelFigures } from './compress/model-figures.js';
export {
  ACTIVATION_BITS,
  GRANULARITIES,
  PRUNE_CRITERIA,
  PRUNE_DEFAULTS,
  PRUNE_SCOPES,
  PRUNE_STRUCTURES,
  TECHNIQUES,
  WEIGHT_BITS,
  recipeNeedsData,
  type DistillRecipe,
  type LowRankRecipe,
  type ParsedPruneRecipe,
  type ParsedRecipe,
  type PruneRecipe,
  type QuantRecipe,
  type Recipe,
  type Technique,
  type WeightBits,
} from './recipe/recipe.js';
export { parseRecipe, recipeProblem, show, validateRecipe } from './recipe/parse-recipe.js';
export { RECIPE_PARAMS, isRelevant, type ParamDomain, type ParamValue } from './recipe/recipe-params.js';
export { canonicalNumber, canonicalRecipe, recipeHash, recipeKey, RECIPE_DIGITS } from './recipe/canonical-recipe.js';
export { lowRankSvd } from './compress/low-rank-svd.js';
export { pruneMagnitude } from './compress/prune-magnitude.js';
export { pruneChannels } from './compress/prune-channels.js';
export { quantizeWeights } from './compress/quantize-weights.js';

// --- worker pool ---
export { WorkerPool, TaskFailure, type TaskFailureKind, type WorkerPoolOptions, type RunTaskOptions } from './pool/worker-pool.js';
export { candidateWorkerUrl } from './pool/candidate-worker-url.js';
export { EvaluationCache, evaluateCandidate, modelInputShape } from './pool/evaluate-candidate.js';
export { handleCandidateTask } from './pool/handle-candidate-task.js';
export type {
  BaselineOutput,
  BaselineTask,
  CandidateMetrics,
  CandidateOutput,
  CandidateTask,
  EstimateOutput,
  EstimateTask,
  EvaluateOutput,
  EvaluateTask,
  PoolDataset,
  Provenance,
  StageRecord,
  TestOutput,
  TestTask,
} from './pool/candidate-task.js';
export { estimateRecipe, type RecipeEstimate } from './compress/estimate-recipe.js';
