import { DataType, type Model, type Node } from '../onnx/model.js';
import type { InferredShapes } from '../onnx/shape-inference.js';
import { VIEW_OPS } from './model-weights.js';

/** Ops that multiply-accumulate and absorb a following bias, batch norm and activation. */
export const COMPUTE_OPS: ReadonlySet<string> = new Set(['Conv', 'Gemm', 'MatMul']);

const CODE_TYPES: ReadonlySet<DataType> = new Set<DataType>([DataType.INT8, DataType.UINT8, DataType.INT4, DataType.UINT4]);

/**
 * What each value of a graph is at run time: a weight (a constant, a dequantized constant, or a
 * view of one), an activation, or a view aliasing another activation's buffer; plus producers and
 * consumers. Built once per model for `deviceGraph`.
 */
export class GraphRoles {
  /** Value → the constant tensor it carries. */
  private readonly weightOf = new Map<string, string>();
  /** Weight value → the DequantizeLinear that produces it from integer codes. */
  private readonly dqOf = new Map<string, Node>();
  /** View output → the activation whose buffer it shares. */
  private readonly alias = new Map<string, string>();
  /** QuantizeLinear nodes that undo a DequantizeLinear exactly: identities, not layers. */
  private readonly identities = new Set<Node>();
  readonly producer = new Map<string, Node>();
  readonly consumers = new Map<string, Node[]>();
  readonly graphOutputs: ReadonlySet<string>;

  constructor(
    model: Model,
    readonly shapes: InferredShapes,
  ) {
    this.graphOutputs = new Set(model.graph.outputs.map((o) => o.name));
    for (const name of shapes.constants.keys()) this.weightOf.set(name, name);
    for (const node of shapes.order) {
      for (const out of node.outputs) if (out !== '') this.producer.set(out, node);
      for (const input of new Set(node.inputs)) {
        if (input !== '') this.consumers.set(input, [...(this.consumers.get(input) ?? []), node]);
      }
      this.classify(node);
    }
  }

  private classify(node: Node): void {
    const x = node.inputs[0] ?? '';
    const out = node.outputs[0] ?? '';
    if (node.opType === 'Constant' || out === '') return;
    const source = this.weightOf.get(x);
    if (node.opType === 'DequantizeLinear' && source !== undefined) {
      this.weightOf.set(out, source);
      this.dqOf.set(out, node);
    } else if (node.opType === 'QuantizeLinear' && this.requantizesUnchanged(node)) {
      this.identities.add(node);
      this.alias.set(out, this.quantizedSource(x)!);
    } else if (VIEW_OPS.has(node.opType)) {
      if (source !== undefined) {
        this.weightOf.set(out, source);
        const dq = this.dqOf.get(x);
        if (dq) this.dqOf.set(out, dq);
      } else {
        this.alias.set(out, this.resolve(x));
      }
    }
  }

  /**
   * Whether a QuantizeLinear re-quantizes a DequantizeLinear's output (through views) with the same
   * scale and zero point — Q(DQ(q)) = q, which runtimes drop (onnxruntime's QDQ pair removal,
   * TFLite's converter); quantizers emit such pairs around views like Flatten.
   */
  private requantizesUnchanged(q: Node): boolean {
    const source = this.quantizedSource(q.inputs[0] ?? '');
    const dq = source === undefined ? undefined : this.producer.get(this.resolve(q.inputs[0] ?? ''));
    if (!dq) return false;
    const same = (a: string | undefined, b: string | undefined): boolean => {
      const ta = a ? this.shapes.constants.get(a) : undefined;
      const tb = b ? this.shapes.constants.get(b) : undefined;
      if (!ta || !tb) return !ta && !tb;
      return ta.dataType === tb.dataType && ta.data.length === tb.data.length && Array.from(ta.data as ArrayLike<number>).every((v, i) => Number(v) === Number(tb.data[i]));
    };
    return same(q.inputs[1], dq.inputs[1]) && same(q.inputs[2], dq.inputs[2]);
  }

  /** Whether a QuantizeLinear only undoes a DequantizeLinear (see `requantizesUnchanged`). */
  isIdentity(node: Node): boolean {
    return this.identities.has(node);
  }

  /** The activation whose buffer `value` uses (itself unless it is a view). */
  resolve(value: string): string {
    return this.alias.get(value) ?? value;
  }

  isWeight(value: string): boolean {
    return this.weightOf.has(value);
  }

  /** The constant tensor behind a weight value. */
  weightTensor(value: string): string | undefined {
    return this.weightOf.get(value);
  }

  /** The DequantizeLinear behind a weight value, if its constant holds integer codes. */
  weightDequantizer(value: string): Node | undefined {
    return this.dqOf.get(value);
  }

  /**
   * Whether a node is skipped by layer building: Constant, a view, a weight's DequantizeLinear, or
   * a QuantizeLinear that undoes a DequantizeLinear.
   */
  isStructural(node: Node): boolean {
    const out = node.outputs[0] ?? '';
    return node.opType === 'Constant' || VIEW_OPS.has(node.opType) || this.dqOf.get(out) === node || this.identities.has(node);
  }

  /** For an activation produced by DequantizeLinear: the quantized value it reads. */
  quantizedSource(value: string): string | undefined {
    const v = this.resolve(value);
    const p = this.producer.get(v);
    if (p?.opType !== 'DequantizeLinear' || this.isWeight(v)) return undefined;
    return this.resolve(p.inputs[0] ?? '');
  }

  /** Whether a weight value comes from ≤ 8-bit integer codes through DequantizeLinear. */
  isIntegerWeight(value: string): boolean {
    const dq = this.dqOf.get(value);
    const t = dq ? this.shapes.constants.get(dq.inputs[0] ?? '') : undefined;
    return t !== undefined && CODE_TYPES.has(t.dataType);
  }

  /** The one node reading `value`, when there is exactly one and it is not a graph output. */
  soleConsumer(value: string): Node | undefined {
    if (this.graphOutputs.has(value)) return undefined;
    const list = this.consumers.get(value) ?? [];
    return list.length === 1 ? list[0] : undefined;
  }

  /** Nodes reading `value`, looking through views; `undefined` marks a graph output. */
  deepConsumers(value: string): (Node | undefined)[] {
    const out: (Node | undefined)[] = this.graphOutputs.has(value) ? [undefined] : [];
    for (const c of this.consumers.get(value) ?? []) {
      if (VIEW_OPS.has(c.opType) && c.inputs[0] === value) out.push(...this.deepConsumers(c.outputs[0] ?? ''));
      else out.push(c);
    }
    return out;
  }
}
