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
export type { Technique, TensorInfo } from './onnx/ops/op-spec.js';
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
