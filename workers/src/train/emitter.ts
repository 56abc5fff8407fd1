import { WorkersError } from '../errors.js';
import { DataType, type Attribute, type Dim, type Model, type Node, type Tensor, type ValueInfo } from '../onnx/model.js';
import { int64Tensor, makeTensor } from '../onnx/tensor.js';

/** The float types a training graph can be built in: FLOAT for training, DOUBLE for gradient checks. */
export type FloatType = typeof DataType.FLOAT | typeof DataType.DOUBLE;

/** Attribute values the emitter accepts: integers become INT(S), other numbers FLOAT(S). */
export type AttrInput = number | string | readonly number[] | Attribute;

/** A FLOAT attribute even when the value is integral. */
export function floatAttr(value: number): Attribute {
  return { type: 'float', value };
}

function toAttribute(v: AttrInput): Attribute {
  if (typeof v === 'number') return Number.isInteger(v) ? { type: 'int', value: v } : { type: 'float', value: v };
  if (typeof v === 'string') return { type: 'string', value: v };
  if (Array.isArray(v)) {
    const list = v as readonly number[];
    return list.every(Number.isInteger) ? { type: 'ints', value: list } : { type: 'floats', value: list };
  }
  return v as Attribute;
}

/**
 * Writes the nodes of a training graph. Unlike `GraphBuilder` it copies existing nodes under their
 * own value names (the forward pass keeps the model's names) and caches the small constants
 * (scalars, int64 shape and axis vectors) that backward rules ask for again and again.
 */
export class Emitter {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private readonly taken = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;

  /** `reserved`: every name of the source model, so fresh names never collide with them. */
  constructor(
    readonly dtype: FloatType,
    readonly opset: number,
    reserved: Iterable<string>,
  ) {
    for (const name of reserved) this.taken.add(name);
  }

  /** A name not used anywhere in the graph, starting with `prefix`. */
  fresh(prefix: string): string {
    let name = prefix;
    while (this.taken.has(name)) name = `${prefix}_${++this.counter}`;
    this.taken.add(name);
    return name;
  }

  /** Emits a node with one fresh output and returns the output's name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrInput> = {}): string {
    return this.opMulti(opType, inputs, 1, attrs)[0]!;
  }

  /** Emits a node with `count` fresh outputs. */
  opMulti(opType: string, inputs: readonly string[], count: number, attrs: Record<string, AttrInput> = {}): string[] {
    const base = this.fresh(`t/${opType}`);
    const outputs = Array.from({ length: count }, (_, i) => (count === 1 ? base : this.fresh(`${base}:${i}`)));
    this.push({ name: base, opType, inputs, outputs, attrs });
    return outputs;
  }

  /** Emits a node with explicit output names (the forward pass's own values). */
  push(spec: { name?: string; opType: string; inputs: readonly string[]; outputs: readonly string[]; attrs?: Record<string, AttrInput> }): void {
    const attributes: Record<string, Attribute> = {};
    for (const [k, v] of Object.entries(spec.attrs ?? {})) attributes[k] = toAttribute(v);
    this.nodes.push({
      name: spec.name ?? this.fresh(`n/${spec.opType}`),
      opType: spec.opType,
      domain: '',
      inputs: [...spec.inputs],
      outputs: [...spec.outputs],
      attributes,
    });
  }

  /** Copies a node unchanged. */
  copy(node: Node): void {
    this.nodes.push(node);
  }

  /** A scalar constant of the graph's float type. */
  scalar(value: number): string {
    return this.cached(`s:${value}`, (name) =>
      this.dtype === DataType.DOUBLE
        ? makeTensor(name, DataType.DOUBLE, [], Float64Array.of(value))
        : makeTensor(name, DataType.FLOAT, [], Float32Array.of(value)),
    );
  }

  /** A float constant of the graph's type with a shape (values given in row-major order). */
  floats(dims: readonly number[], values: ArrayLike<number>): string {
    const name = this.fresh('c/floats');
    const data = this.dtype === DataType.DOUBLE ? Float64Array.from(values) : Float32Array.from(values);
    this.initializers.push(makeTensor(name, this.dtype, dims, data));
    return name;
  }

  /** A 1-D int64 constant (shapes, axes, starts/ends). */
  ints(values: readonly number[]): string {
    return this.cached(`i:${values.join(',')}`, (name) => int64Tensor(name, [values.length], values));
  }

  /** A 0-D int64 constant. */
  intScalar(value: number): string {
    return this.cached(`is:${value}`, (name) => int64Tensor(name, [], [value]));
  }

  /** A reduction over `axes`, with the axes as an input or an attribute as the opset wants. */
  reduce(op: 'ReduceSum' | 'ReduceMean' | 'ReduceSumSquare', x: string, axes: readonly number[], keepdims: boolean): string {
    // ReduceSum takes axes as an input from opset 13, the other reductions only from opset 18.
    if (op === 'ReduceSum' || this.opset >= 18) return this.op(op, [x, this.ints(axes)], { keepdims: keepdims ? 1 : 0 });
    return this.op(op, [x], { axes: [...axes], keepdims: keepdims ? 1 : 0 });
  }

  /** Sums gradient contributions (one name: returned as is). */
  sum(terms: readonly string[]): string {
    if (terms.length === 0) throw new WorkersError('BAD_ARGUMENT', 'sum of no terms');
    return terms.length === 1 ? terms[0]! : this.op('Sum', terms);
  }

  input(name: string, dims: readonly Dim[], elemType: DataType = this.dtype): void {
    this.inputs.push({ name, elemType, shape: [...dims] });
  }

  output(name: string, dims: readonly Dim[] | null, elemType: DataType = this.dtype): void {
    this.outputs.push({ name, elemType, shape: dims ? [...dims] : null });
  }

  initializer(t: Tensor): void {
    this.initializers.push(t);
  }

  build(name: string): Model {
    return {
      irVersion: irVersionFor(this.opset),
      opsetImports: [{ domain: '', version: this.opset }],
      producerName: 'frontier-train',
      producerVersion: '0.1.0',
      domain: '',
      modelVersion: 1,
      docString: '',
      metadata: {},
      graph: { name, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs, valueInfo: [] },
    };
  }

  private cached(key: string, make: (name: string) => Tensor): string {
    const hit = this.constants.get(key);
    if (hit) return hit;
    const name = this.fresh('c/const');
    this.initializers.push(make(name));
    this.constants.set(key, name);
    return name;
  }
}

/** The lowest IR version that goes with an opset (ONNX's versioning table). */
function irVersionFor(opset: number): number {
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  return 11;
}
