import type { Dim, Graph, Model, Node, ValueInfo, Attribute } from './model.js';
import { ModelProtoType } from './onnx-schema.js';
import { encodeTensor } from './tensor-proto.js';
import { validateModel } from './validate-model.js';

/** Encodes a model to ONNX protobuf bytes, after validating it (see `validateModel`). */
export function writeModel(model: Model): Uint8Array {
  validateModel(model);
  const proto = {
    ir_version: model.irVersion,
    opset_import: model.opsetImports.map((o) => ({ domain: o.domain, version: o.version })),
    producer_name: model.producerName,
    producer_version: model.producerVersion,
    domain: model.domain,
    model_version: model.modelVersion,
    doc_string: model.docString,
    metadata_props: Object.entries(model.metadata).map(([key, value]) => ({ key, value })),
    graph: encodeGraph(model.graph),
  };
  return ModelProtoType.encode(ModelProtoType.fromObject(proto)).finish();
}

function encodeGraph(g: Graph): object {
  return {
    name: g.name,
    node: g.nodes.map(encodeNode),
    initializer: g.initializers.map(encodeTensor),
    input: g.inputs.map(encodeValueInfo),
    output: g.outputs.map(encodeValueInfo),
    value_info: g.valueInfo.map(encodeValueInfo),
  };
}

function encodeNode(n: Node): object {
  return {
    name: n.name,
    op_type: n.opType,
    domain: n.domain,
    input: [...n.inputs],
    output: [...n.outputs],
    attribute: Object.entries(n.attributes).map(([name, a]) => encodeAttribute(name, a)),
  };
}

function encodeAttribute(name: string, a: Attribute): object {
  const enc = new TextEncoder();
  switch (a.type) {
    case 'float':
      return { name, type: 1, f: a.value };
    case 'int':
      return { name, type: 2, i: a.value };
    case 'string':
      return { name, type: 3, s: enc.encode(a.value) };
    case 'tensor':
      return { name, type: 4, t: encodeTensor(a.value) };
    case 'floats':
      return { name, type: 6, floats: [...a.value] };
    case 'ints':
      return { name, type: 7, ints: [...a.value] };
    case 'strings':
      return { name, type: 8, strings: a.value.map((s) => enc.encode(s)) };
  }
}

function encodeValueInfo(v: ValueInfo): object {
  const tensorType: { elem_type: number; shape?: object } = { elem_type: v.elemType };
  if (v.shape) tensorType.shape = { dim: v.shape.map(encodeDim) };
  return { name: v.name, type: { tensor_type: tensorType } };
}

function encodeDim(d: Dim): object {
  if (typeof d === 'number') return { dim_value: d };
  if (typeof d === 'string') return { dim_param: d };
  return {};
}
