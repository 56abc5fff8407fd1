/**
 * Frontier's in-memory ONNX model: plain, typed data decoded from (and encoded to) the protobuf
 * wire format. Kernels take a model and return a new one; nothing here is mutated in place by
 * library code that did not create it.
 */

/** ONNX `TensorProto.DataType` codes used by Frontier. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16,
  UINT4: 21,
  INT4: 22,
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

/**
 * Element storage per data type. 4-bit types are held unpacked (one element per byte) and packed
 * two per byte only on the wire; FLOAT16/BFLOAT16 hold their raw bit patterns.
 */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

/** A constant tensor (an initializer or a tensor attribute). */
export interface Tensor {
  readonly name: string;
  readonly dataType: DataType;
  readonly dims: readonly number[];
  readonly data: TensorData;
}

/** A float32 tensor, the type of every trainable weight. */
export interface FloatTensor extends Tensor {
  readonly dataType: typeof DataType.FLOAT;
  readonly data: Float32Array;
}

/** A node attribute, discriminated by its ONNX attribute type. */
export type Attribute =
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'tensor'; readonly value: Tensor }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'strings'; readonly value: readonly string[] };

/** One operator application. Empty strings in `inputs` mark omitted optional inputs. */
export interface Node {
  readonly name: string;
  readonly opType: string;
  /** Operator domain; '' is the default ONNX domain. */
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, Attribute>>;
}

/** A dimension: a size, a symbolic name (such as a batch dimension), or unknown (`null`). */
export type Dim = number | string | null;

/** Name, element type and (possibly partial) shape of a graph value. `shape` null: rank unknown. */
export interface ValueInfo {
  readonly name: string;
  readonly elemType: DataType;
  readonly shape: readonly Dim[] | null;
}

export interface Graph {
  readonly name: string;
  readonly nodes: readonly Node[];
  readonly initializers: readonly Tensor[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly valueInfo: readonly ValueInfo[];
}

export interface OpsetImport {
  readonly domain: string;
  readonly version: number;
}

export interface Model {
  readonly irVersion: number;
  readonly opsetImports: readonly OpsetImport[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly domain: string;
  readonly modelVersion: number;
  readonly docString: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly graph: Graph;
}

/** The default-domain opset version a model imports (ONNX: '' and 'ai.onnx' are the same). */
export function defaultOpset(model: Model): number {
  const entry = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return entry?.version ?? 0;
}

/** Graph inputs that are real inputs, not initializers listed as inputs (allowed before IR 4). */
export function realInputs(graph: Graph): ValueInfo[] {
  const init = new Set(graph.initializers.map((t) => t.name));
  return graph.inputs.filter((i) => !init.has(i.name));
}

/** Initializers by name. */
export function initializerMap(graph: Graph): Map<string, Tensor> {
  return new Map(graph.initializers.map((t) => [t.name, t]));
}

/**
 * The batch size a model's first data input is fixed at, or undefined when its batch dimension is
 * symbolic. A model whose batch could not be freed on load (see `freeBatch`) runs this many images
 * at a time.
 */
export function fixedBatch(model: Model): number | undefined {
  const d = realInputs(model.graph)[0]?.shape?.[0];
  return typeof d === 'number' ? d : undefined;
}
