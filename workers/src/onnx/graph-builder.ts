import { WorkersError } from '../errors.js';
import { DataType, type Attribute, type Dim, type Model, type Node, type Tensor, type ValueInfo } from './model.js';

/** Attribute values the builder accepts: integers become INT(S), other numbers FLOAT(S). */
export type AttributeInput = number | string | readonly number[] | Tensor | Attribute;

/** Marks a number as a FLOAT attribute even when it is integral (`alpha: floatAttr(1)`). */
export function floatAttribute(value: number): Attribute {
  return { type: 'float', value };
}

/** Marks a list as FLOATS even when its values are integral. */
export function floatsAttribute(value: readonly number[]): Attribute {
  return { type: 'floats', value };
}

function toAttribute(v: AttributeInput): Attribute {
  if (typeof v === 'number') return Number.isInteger(v) ? { type: 'int', value: v } : { type: 'float', value: v };
  if (typeof v === 'string') return { type: 'string', value: v };
  if (Array.isArray(v)) {
    const list = v as readonly number[];
    return list.every(Number.isInteger) ? { type: 'ints', value: list } : { type: 'floats', value: list };
  }
  if ('type' in v && typeof v.type === 'string') return v;
  return { type: 'tensor', value: v as Tensor };
}

export interface GraphBuilderOptions {
  readonly name?: string;
  /** Default-domain opset version. Default 17. */
  readonly opset?: number;
  /** IR version. Default 8 (ORT 1.30 reads up to 13; 8 goes with opset 13–18). */
  readonly irVersion?: number;
  readonly producerName?: string;
}

/**
 * Builds a model node by node, for tests, the zoo and kernels that emit new graphs. Node and value
 * names are generated where not given and are unique within the builder.
 */
export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers: Tensor[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(private readonly options: GraphBuilderOptions = {}) {}

  /** A fresh name with a prefix, unique within this graph. */
  fresh(prefix: string): string {
    let name = prefix;
    while (this.names.has(name)) name = `${prefix}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  /** Declares a graph input; returns its name. */
  input(name: string, dims: readonly Dim[], elemType: DataType = DataType.FLOAT): string {
    this.claim(name);
    this.inputs.push({ name, elemType, shape: [...dims] });
    return name;
  }

  /** Adds an initializer under its own name; returns the name. */
  initializer(tensor: Tensor): string {
    this.claim(tensor.name);
    this.initializers.push(tensor);
    return tensor.name;
  }

  /** Adds a node with one output; returns the output's name. */
  node(opType: string, inputs: readonly string[], attributes: Record<string, AttributeInput> = {}, name?: string): string {
    return this.nodeMulti(opType, inputs, 1, attributes, name)[0]!;
  }

  /** Adds a node with `outputCount` outputs; returns their names. */
  nodeMulti(
    opType: string,
    inputs: readonly string[],
    outputCount: number,
    attributes: Record<string, AttributeInput> = {},
    name?: string,
  ): string[] {
    const nodeName = name ? (this.claim(name), name) : this.fresh(opType.toLowerCase());
    const outputs = Array.from({ length: outputCount }, (_, i) => this.fresh(outputCount === 1 ? `${nodeName}_out` : `${nodeName}_out${i}`));
    const attrs: Record<string, Attribute> = {};
    for (const [k, v] of Object.entries(attributes)) attrs[k] = toAttribute(v);
    this.nodes.push({ name: nodeName, opType, domain: '', inputs: [...inputs], outputs, attributes: attrs });
    return outputs;
  }

  /** Declares a value as a graph output with a shape (symbolic dims allowed). */
  output(name: string, dims: readonly Dim[] | null, elemType: DataType = DataType.FLOAT): void {
    this.outputs.push({ name, elemType, shape: dims ? [...dims] : null });
  }

  build(): Model {
    return {
      irVersion: this.options.irVersion ?? 8,
      opsetImports: [{ domain: '', version: this.options.opset ?? 17 }],
      producerName: this.options.producerName ?? 'frontier',
      producerVersion: '0.1.0',
      domain: '',
      modelVersion: 1,
      docString: '',
      metadata: {},
      graph: {
        name: this.options.name ?? 'graph',
        nodes: [...this.nodes],
        initializers: [...this.initializers],
        inputs: [...this.inputs],
        outputs: [...this.outputs],
        valueInfo: [],
      },
    };
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new WorkersError('BAD_ARGUMENT', `name "${name}" is already used in this graph`);
    this.names.add(name);
  }
}
