// Public surface of @frontier/workers.
export { WorkersError, UnreachableCaseError, type WorkersErrorCode } from './errors.js';

export {
  DataType,
  defaultOpset,
  realInputs,
  initializerMap,
  type Attribute,
  type Dim,
  type FloatTensor,
  type Graph,
  type Model,
  type Node,
  type OpsetImport,
  type Tensor,
  type TensorData,
  type ValueInfo,
} from './onnx/model.js';
export {
  allocate,
  asFloat,
  bitsPerElement,
  dataTypeName,
  elementCount,
  floatTensor,
  int64Tensor,
  makeTensor,
  tensorBytes,
  toNumbers,
} from './onnx/tensor.js';
export { packNibbles, unpackNibbles } from './onnx/tensor-proto.js';
export { readModel } from './onnx/read-model.js';
export { writeModel } from './onnx/write-model.js';
export { validateModel } from './onnx/validate-model.js';
export { topologicalOrder } from './onnx/topological-order.js';
export { checkSupported } from './onnx/check-supported.js';
export { inferShapes, type InferredShapes, type InferShapesOptions } from './onnx/shape-inference.js';
export { activationPeak, type ActivationPeak } from './onnx/liveness.js';
export { analyzeModel, type ModelAnalysis, type NodeAnalysis } from './onnx/analyze-model.js';
export { coverage, classifierLayers } from './onnx/coverage.js';
export { supportedOpTypes } from './onnx/ops/registry.js';
export type { Technique as CoverageTechnique, TensorInfo } from './onnx/ops/op-spec.js';
export { intAttr, floatAttr, intsAttr, stringAttr, tensorAttr } from './onnx/attributes.js';
export {
  GraphBuilder,
  floatAttribute,
  floatsAttribute,
  type AttributeInput,
  type GraphBuilderOptions,
} from './onnx/graph-builder.js';

// --- datasets and evaluation ---
export { Rng } from './data/rng.js';
export { datasetDigest, fillBatch, imageSize, subset, type Dataset } from './data/dataset.js';
export { defaultDataDir } from './data/data-dir.js';
export {
  FASHION_MNIST,
  FASHION_MNIST_CLASS_NAMES,
  fashionMnistIndices,
  fashionMnistSplit,
  loadFashionMnist,
  loadFashionMnistImages,
  type FashionMnistImages,
  type FashionMnistSplit,
} from './data/fashion-mnist.js';
export type { NdArray, NdData, NdDType } from './data/nd-array.js';
export { encodeIdx, parseIdx } from './data/idx.js';
export { encodeNpy, isNpy, parseNpy } from './data/npy.js';
export {
  datasetFromBytes,
  loadDataset,
  parseArrayFile,
  type DatasetFromBytesOptions,
  type NamedBytes,
} from './data/user-dataset.js';
export { SESSION_OPTIONS, createSession, runSession, sessionInput, withSession, type SessionInput } from './eval/session.js';
export { evaluateAccuracy, accuracyInSession, type AccuracyOptions, type AccuracyResult } from './eval/evaluate-accuracy.js';
export { measureLatency, latencyInSession, latencyStats, type LatencyOptions, type LatencyResult } from './eval/measure-latency.js';
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
export { deployWeightBytes, integerCodeBits, weightStorage, type WeightFormat, type WeightShape } from './devices/weight-storage.js';
export { WEIGHT_BITS_METADATA_KEY, declaredWeightBits, modelWeights, type ModelWeight } from './devices/model-weights.js';
export {
  deviceGraph,
  deviceGraphFor,
  type DeviceGraph,
  type DeviceGraphOptions,
  type DeviceLayer,
  type WeightDecoding,
} from './devices/device-graph.js';
export { deviceMemory, type DeviceMemory } from './devices/device-memory.js';
export {
  layerClass,
  predictLatency,
  unsupportedLayers,
  type Latency,
  type LatencyPrediction,
  type LatencySource,
  type LayerLatency,
} from './devices/latency-model.js';
export { calibrateDevice, calibrationFeatures, type CalibrationSample, type ClassFeatures } from './devices/calibrate.js';
export { nnls } from './devices/nnls.js';
export { predictionAccuracy, spearman, type PredictionAccuracy } from './devices/prediction-accuracy.js';
export { deviceReport, type DeviceReport } from './devices/device-report.js';
export { measureOnHost, type HostMeasurement } from './devices/measure-host.js';
export { parseMeasurementsCsv, type MeasurementRow } from './devices/measurements-csv.js';

// --- training engine and reference model zoo ---
export { buildTrainingGraph, logitsValue, type BatchStatistics, type TrainingGraph, type TrainingGraphOptions } from './train/training-graph.js';
export { trainableOpTypes } from './train/grad/registry.js';
export { LABELS_INPUT, TEACHER_INPUT, type LossSpec } from './train/loss.js';
export { createOptimizer, type Optimizer, type OptimizerSpec, type ParamSlot } from './train/optimizer.js';
export { learningRateFactor, type ScheduleSpec } from './train/schedule.js';
export { trainableParameters, type LayerSelection } from './train/trainable-parameters.js';
export { splitFrozenPrefix, type FrozenSplit } from './train/split-frozen-prefix.js';
export { Trainer, withInitializers, type StepResult, type TrainerOptions, type TrainingBatch } from './train/trainer.js';
export { fit, type EpochSummary, type FitOptions, type FitResult, type TrainingProgress } from './train/fit.js';
export { augmentBatch, type AugmentSpec } from './train/augment.js';
export { foldBatchNorm } from './train/fold-batch-norm.js';
export { accuracyOf, predictLogits } from './train/predict.js';
export { createSession as createTrainingSession, runSession as runTrainingSession, type Feed, type FloatArray } from './train/ort-session.js';
export { ZOO_ARCHITECTURES, buildArchitecture, type ZooArchitecture } from './zoo/architectures.js';
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
export { keptRank, lowRankSvd, type LowRankLayer, type LowRankResult } from './compress/low-rank-svd.js';
export { truncatedSvd, type TruncatedSvd, type TruncatedSvdOptions } from './compress/math/svd-truncate.js';
export {
  pruneMagnitude,
  type PruneMagnitudeOptions,
  type PruneMagnitudeResult,
  type PrunedTensor,
} from './compress/prune-magnitude.js';
export {
  channelsRemoved,
  pruneChannels,
  type PruneChannelsOptions,
  type PruneChannelsResult,
  type PrunedGroup,
} from './compress/prune-channels.js';
export { channelGroups, type ChannelAnalysis, type ChannelGroup, type ChannelSlice } from './compress/graph/channel-groups.js';
export { distill, type DistillOptions, type DistillResult } from './compress/distill.js';
export {
  quantizeWeights,
  weightCodes,
  type QuantizeWeightsOptions,
  type QuantizeWeightsResult,
  type QuantizedWeight,
} from './compress/quantize-weights.js';
export { quantizeStatic, type QuantizeStaticOptions, type QuantizeStaticResult } from './compress/quantize-static.js';
export { calibrateRanges, DEFAULT_CALIBRATION_COUNT, type CalibrateOptions, type ValueRange } from './compress/calibrate.js';
export {
  dequantizeTensor,
  quantizeTensor,
  quantRange,
  scaleZeroPoint,
  type QuantizedTensor,
  type QuantRange,
  type ScaleZeroPoint,
} from './compress/math/quant-params.js';
export { decodeWeights } from './compress/decode-weights.js';

// --- worker pool ---
export { WorkerPool, TaskFailure, type TaskFailureKind, type WorkerPoolOptions, type RunTaskOptions } from './pool/worker-pool.js';
export { candidateWorkerUrl } from './pool/candidate-worker-url.js';
export { EvaluationCache, evaluateCandidate, evaluateTestSplit } from './pool/evaluate-candidate.js';
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
  TestOutput,
  TestTask,
} from './pool/candidate-task.js';
export { estimateRecipe, type RecipeEstimate } from './compress/estimate-recipe.js';
