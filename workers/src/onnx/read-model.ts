import { WorkersError } from '../errors.js';
import type { Attribute, Dim, Graph, Model, Node, ValueInfo } from './model.js';
import { ModelProtoType } from './onnx-schema.js';
import { decodeTensor, type TensorProtoObject } from './tensor-proto.js';
import { isKnownDataType, dataTypeName } from './tensor.js';
import { validateModel } from './validate-model.js';
import { normalizeModel } from './normalize/normalize-model.js';

interface AttributeProtoObject {
  name?: string;
  type?: number;
  f?: number;
  i?: string;
  s?: Uint8Array;
  t?: TensorProtoObject;
  g?: unknown;
  floats?: number[];
  ints?: string[];
  strings?: Uint8Array[];
  tensors?: unknown[];
  graphs?: unknown[];
}
interface NodeProtoObject {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeProtoObject[];
}
interface DimensionObject {
  dim_value?: string;
  dim_param?: string;
}
interface ValueInfoProtoObject {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: DimensionObject[] } } };
}
interface GraphProtoObject {
  name?: string;
  node?: NodeProtoObject[];
  initializer?: TensorProtoObject[];
  input?: ValueInfoProtoObject[];
  output?: ValueInfoProtoObject[];
  value_info?: ValueInfoProtoObject[];
}
interface ModelProtoObject {
  ir_version?: string;
  opset_import?: { domain?: string; version?: string }[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: string;
  doc_string?: string;
  graph?: GraphProtoObject;
  metadata_props?: { key?: string; value?: string }[];
}

export interface ReadModelOptions {
  /**
   * Rewrite exporter forms into the ones Frontier's kernels handle (see `normalizeModel`): shape
   * arithmetic folded, pass-through nodes dropped, a batch fixed at 1 freed. Default true.
   */
  readonly normalize?: boolean;
}

/**
 * Decodes an ONNX model from its protobuf bytes, validates it (see `validateModel`) and normalizes
 * it unless told not to. Throws `WorkersError` with code `BAD_MODEL` naming what is wrong.
 */
export function readModel(bytes: Uint8Array, options: ReadModelOptions = {}): Model {
  if (bytes.length === 0) throw new WorkersError('BAD_MODEL', 'not an ONNX model: the file is empty');
  let proto: ModelProtoObject;
  try {
    const message = ModelProtoType.decode(bytes);
    proto = ModelProtoType.toObject(message, { longs: String, enums: Number, arrays: true });
  } catch (err) {
    throw new WorkersError(
      'BAD_MODEL',
      `not an ONNX model: the protobuf data is truncated or corrupt (${(err as Error).message})`,
    );
  }
  if (!proto.graph) throw new WorkersError('BAD_MODEL', 'not an ONNX model: it has no graph');
  const irVersion = Number(proto.ir_version ?? 0);
  if (!(irVersion > 0)) throw new WorkersError('BAD_MODEL', 'not an ONNX model: ir_version is missing');
  const model: Model = {
    irVersion,
    opsetImports: (proto.opset_import ?? []).map((o) => ({ domain: o.domain ?? '', version: Number(o.version ?? 0) })),
    producerName: proto.producer_name ?? '',
    producerVersion: proto.producer_version ?? '',
    domain: proto.domain ?? '',
    modelVersion: Number(proto.model_version ?? 0),
    docString: proto.doc_string ?? '',
    metadata: Object.fromEntries((proto.metadata_props ?? []).map((e) => [e.key ?? '', e.value ?? ''])),
    graph: decodeGraph(proto.graph),
  };
  validateModel(model);
  return options.normalize === false ? model : normalizeModel(model);
}

function decodeGraph(g: GraphProtoObject): Graph {
  return {
    name: g.name ?? '',
    nodes: (g.node ?? []).map(decodeNode),
    initializers: (g.initializer ?? []).map((t) => decodeTensor(t, 'initializer')),
    inputs: (g.input ?? []).map((v) => decodeValueInfo(v, 'input')),
    outputs: (g.output ?? []).map((v) => decodeValueInfo(v, 'output')),
    valueInfo: (g.value_info ?? []).map((v) => decodeValueInfo(v, 'value_info')),
  };
}

function decodeNode(n: NodeProtoObject, index: number): Node {
  const name = n.name || `${n.op_type ?? 'node'}_${index}`;
  const attributes: Record<string, Attribute> = {};
  for (const a of n.attribute ?? []) {
    attributes[a.name ?? ''] = decodeAttribute(a, { name, opType: n.op_type ?? '' });
  }
  return {
    name,
    opType: n.op_type ?? '',
    domain: n.domain ?? '',
    inputs: n.input ?? [],
    outputs: n.output ?? [],
    attributes,
  };
}

// ONNX AttributeProto.AttributeType codes.
const FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5, FLOATS = 6, INTS = 7, STRINGS = 8, GRAPHS = 10;

function decodeAttribute(a: AttributeProtoObject, node: { name: string; opType: string }): Attribute {
  const nodeName = node.name;
  const dec = new TextDecoder();
  const type = a.type ?? inferAttributeType(a);
  if (type === GRAPH || type === GRAPHS) {
    throw new WorkersError(
      'UNSUPPORTED_OP',
      `node "${nodeName}" (${node.opType}) holds a subgraph in attribute "${a.name}": control flow (If, Loop, Scan) is not supported; ` +
        'export the model without data-dependent branches or loops',
      { node: nodeName, opType: node.opType, attribute: a.name },
    );
  }
  switch (type) {
    case FLOAT:
      return { type: 'float', value: a.f ?? 0 };
    case INT:
      return { type: 'int', value: Number(a.i ?? 0) };
    case STRING:
      return { type: 'string', value: dec.decode(a.s ?? new Uint8Array()) };
    case TENSOR:
      return { type: 'tensor', value: decodeTensor(a.t ?? {}, `attribute ${a.name} of node "${nodeName}"`) };
    case FLOATS:
      return { type: 'floats', value: a.floats ?? [] };
    case INTS:
      return { type: 'ints', value: (a.ints ?? []).map(Number) };
    case STRINGS:
      return { type: 'strings', value: (a.strings ?? []).map((s) => dec.decode(s)) };
    default:
      throw new WorkersError(
        'BAD_MODEL',
        `attribute "${a.name}" of node "${nodeName}" has type ${type} (graphs, sparse tensors and type protos are not supported)`,
      );
  }
}

/** IR versions before 2 may omit `type`; infer it from the field that is set. */
function inferAttributeType(a: AttributeProtoObject): number {
  if (a.floats?.length) return FLOATS;
  if (a.ints?.length) return INTS;
  if (a.strings?.length) return STRINGS;
  if (a.t) return TENSOR;
  if (a.g) return GRAPH;
  if (a.graphs?.length) return GRAPHS;
  if (a.s) return STRING;
  if (a.i !== undefined) return INT;
  if (a.f !== undefined) return FLOAT;
  return 0;
}

function decodeValueInfo(v: ValueInfoProtoObject, where: string): ValueInfo {
  const name = v.name ?? '';
  const tt = v.type?.tensor_type;
  if (!tt) throw new WorkersError('BAD_MODEL', `graph ${where} "${name}" is not a tensor`);
  const elemType = tt.elem_type ?? 0;
  if (!isKnownDataType(elemType)) {
    throw new WorkersError('BAD_MODEL', `graph ${where} "${name}" has unsupported element type ${dataTypeName(elemType)}`);
  }
  const shape: Dim[] | null = tt.shape
    ? (tt.shape.dim ?? []).map((d) => (d.dim_value !== undefined ? Number(d.dim_value) : (d.dim_param ?? null)))
    : null;
  return { name, elemType, shape };
}
