import { intAttr } from '../../onnx/attributes.js';
import { classifierLayers } from '../../onnx/coverage.js';
import type { Model, Node, Tensor } from '../../onnx/model.js';
import { inferShapes } from '../../onnx/shape-inference.js';
import { weightLayer, type WeightLayer } from './layers.js';

/**
 * Slice input `input` of `node` (a constant) along `axis`, in blocks of `block` entries per channel;
 * the group's channel c is channel `offset + c` of that axis (offset > 0 after a Concat).
 */
export interface ChannelSlice {
  readonly node: Node;
  readonly input: number;
  readonly axis: number;
  readonly block: number;
  readonly offset: number;
}

/**
 * Output channels that must be pruned together: every layer writing into one channel space — a
 * conv and everything channel-wise after it (BatchNormalization, activations, pools, depthwise
 * convs), merged across residual Adds — with every constant that has to shrink with it.
 */
export interface ChannelGroup {
  readonly channels: number;
  /** Layers whose output channels are the group's channels (their filter norms rank the channels). */
  readonly producers: readonly WeightLayer[];
  /**
   * Layers reading the group's channels as inputs, with the feature block per channel (H·W after
   * Flatten) and where the group's channels start among their inputs (after a Concat).
   */
  readonly consumers: readonly { readonly node: Node; readonly block: number; readonly offset: number }[];
  /** Every constant to slice, producers' and consumers' weights included. */
  readonly slices: readonly ChannelSlice[];
  /** Depthwise convs whose `group` becomes the kept channel count. */
  readonly depthwise: readonly Node[];
  /** Reshapes to [N, features] whose target shape must shrink: features per channel. */
  readonly reshapes: readonly { readonly node: Node; readonly block: number }[];
  /** Concat nodes the group's channels pass through (their output shrinks with it). */
  readonly concats: readonly Node[];
}

export interface ChannelAnalysis {
  readonly groups: readonly ChannelGroup[];
  /** Channel spaces that cannot be pruned, by their producers, with the first reason found. */
  readonly blocked: readonly { readonly producers: readonly string[]; readonly reason: string }[];
}

interface Space {
  parent: number;
  channels: number;
  producers: WeightLayer[];
  consumers: { node: Node; block: number; offset: number }[];
  slices: ChannelSlice[];
  depthwise: Node[];
  reshapes: { node: Node; block: number }[];
  concats: Node[];
  blocked?: string;
}

/**
 * Where a value's channels live: the spaces it carries, each from a channel offset (one part with
 * offset 0, or several after a Concat), and how many consecutive features each channel owns.
 */
interface Carrier {
  readonly parts: readonly { readonly space: number; readonly offset: number }[];
  readonly block: number;
}

const single = (space: number, block = 1): Carrier => ({ parts: [{ space, offset: 0 }], block });

const UNARY = new Set(['Relu', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Dropout', 'Identity', 'MaxPool', 'AveragePool', 'GlobalAveragePool']);

/**
 * Finds the channel groups of a model for structured pruning. Channels flow from a producer (a
 * Conv with group 1, or a Gemm) through channel-wise ops and depthwise convs; an Add or Mul of two
 * such values couples their spaces into one group; a Concat along the channels lays its inputs'
 * spaces side by side (each shrinks on its own, at its offset); Flatten (or a Reshape to
 * [N, features]) turns channel c into the features c·H·W … (c+1)·H·W − 1 of the Gemm or MatMul
 * that reads them. Any other use of the channels — Slice, Transpose, Softmax, a graph output, an
 * operand with all channels, a grouped conv, a non-constant bias — blocks the space with the node
 * named, as does a producer that is a classifier output layer.
 */
export function channelGroups(model: Model): ChannelAnalysis {
  const walk = new ChannelWalk(model);
  for (const node of walk.order) walk.visit(node);
  for (const out of model.graph.outputs) {
    const c = walk.carrier.get(out.name);
    if (c) walk.blockAll(c, `graph output "${out.name}" carries the channels`);
  }
  return walk.result();
}

/** The walk over the graph in execution order, with the channel spaces as a union-find forest. */
class ChannelWalk {
  readonly order: readonly Node[];
  readonly carrier = new Map<string, Carrier>();
  private readonly spaces: Space[] = [];
  private readonly inits: ReadonlyMap<string, Tensor>;
  private readonly classifiers: ReadonlySet<string>;
  private readonly values: ReadonlyMap<string, { dims: readonly number[] }>;

  constructor(model: Model) {
    const shapes = inferShapes(model, { batch: 1 });
    this.order = shapes.order;
    this.values = shapes.values;
    this.inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
    this.classifiers = classifierLayers(model);
  }

  visit(node: Node): void {
    const layer = weightLayer(node, this.inits);
    if (layer) return this.layer(layer);
    const carried = node.inputs.map((v) => this.carrier.get(v)).filter((c): c is Carrier => c !== undefined);
    if (carried.length === 0) return;
    const why = this.channelWise(node);
    if (why) for (const c of carried) this.blockAll(c, why);
  }

  block(space: number, reason: string): void {
    this.root(space).blocked ??= reason;
  }

  blockAll(c: Carrier, reason: string): void {
    for (const p of c.parts) this.block(p.space, reason);
  }

  result(): ChannelAnalysis {
    const groups: ChannelGroup[] = [];
    const blocked: { producers: string[]; reason: string }[] = [];
    this.spaces.forEach((s, i) => {
      if (this.find(i) !== i) return;
      if (s.blocked) blocked.push({ producers: s.producers.map((p) => p.node.name), reason: s.blocked });
      else groups.push({ channels: s.channels, producers: s.producers, consumers: s.consumers, slices: s.slices, depthwise: s.depthwise, reshapes: s.reshapes, concats: s.concats });
    });
    return { groups, blocked };
  }

  private find(s: number): number {
    const space = this.spaces[s]!;
    if (space.parent !== s) space.parent = this.find(space.parent);
    return space.parent;
  }

  private root(s: number): Space {
    return this.spaces[this.find(s)]!;
  }

  private dims(value: string): readonly number[] {
    return this.values.get(value)!.dims;
  }

  /** A Conv/Gemm/MatMul: consumer of its input's channels, producer of a new space. */
  private layer(layer: WeightLayer): void {
    const node = layer.node;
    const x = this.carrier.get(node.inputs[0]!);
    if (layer.kind === 'Conv' && layer.group > 1) return this.groupedConv(layer, x);
    if (x && layer.kind !== 'Conv' && this.dims(node.inputs[0]!).length !== 2) {
      this.blockAll(x, `"${node.name}" (${node.opType}) reads the channels on a non-feature axis`);
    } else if (x) {
      for (const p of x.parts) {
        const s = this.root(p.space);
        s.consumers.push({ node, block: x.block, offset: p.offset });
        s.slices.push({ node, input: 1, axis: layer.inAxis, block: x.block, offset: p.offset });
      }
    }
    if (layer.kind === 'MatMul') return;
    const channels = layer.weight.dims[layer.outAxis]!;
    const id = this.spaces.length;
    const slices: ChannelSlice[] = [{ node, input: 1, axis: layer.outAxis, block: 1, offset: 0 }];
    const bias = layer.bias;
    if (bias && bias.dims.length > 0 && bias.dims[bias.dims.length - 1] === channels) {
      slices.push({ node, input: 2, axis: bias.dims.length - 1, block: 1, offset: 0 });
    }
    this.spaces.push({ parent: id, channels, producers: [layer], consumers: [], slices, depthwise: [], reshapes: [], concats: [] });
    if (this.classifiers.has(node.name)) this.spaces[id]!.blocked = `"${node.name}" is a classifier output layer`;
    // A bias that is computed, not a constant, cannot be sliced with the filters.
    if (node.inputs[2] && !this.inits.has(node.inputs[2])) this.spaces[id]!.blocked = `the bias of "${node.name}" is not a constant`;
    this.carrier.set(node.outputs[0]!, single(id));
  }

  /** A depthwise conv follows the channels it reads (its filters and bias shrink); other groupings block them. */
  private groupedConv(layer: WeightLayer, x: Carrier | undefined): void {
    const node = layer.node;
    if (!x) return;
    const depthwise = layer.group === layer.weight.dims[0] && layer.weight.dims[1] === 1;
    if (!depthwise) return this.blockAll(x, `grouped convolution "${node.name}" (group ${layer.group}) reads the channels`);
    if (x.parts.length !== 1) return this.blockAll(x, `depthwise convolution "${node.name}" reads concatenated channels`);
    if (node.inputs[2] && !this.inits.has(node.inputs[2])) return this.blockAll(x, `the bias of "${node.name}" is not a constant`);
    const s = this.root(x.parts[0]!.space);
    s.slices.push({ node, input: 1, axis: 0, block: 1, offset: 0 });
    if (node.inputs[2]) s.slices.push({ node, input: 2, axis: 0, block: 1, offset: 0 });
    s.depthwise.push(node);
    this.carrier.set(node.outputs[0]!, x);
  }

  /**
   * Follows the channels through a parameter-free (or per-channel) node: records what must shrink
   * and the output's carrier. Returns why the node blocks pruning, or undefined.
   */
  private channelWise(node: Node): string | undefined {
    const x = this.carrier.get(node.inputs[0] ?? '');
    const otherCarried = node.inputs.slice(1).some((v) => this.carrier.has(v));
    if (UNARY.has(node.opType)) {
      if (!x || otherCarried) return `"${node.name}" (${node.opType}) reads the channels as a parameter`;
      this.carrier.set(node.outputs[0]!, x);
      return undefined;
    }
    switch (node.opType) {
      case 'BatchNormalization':
        if (!x || x.block !== 1 || otherCarried) return `"${node.name}" (BatchNormalization) reads the channels as features`;
        for (const p of x.parts) for (let i = 1; i <= 4; i++) this.root(p.space).slices.push({ node, input: i, axis: 0, block: 1, offset: p.offset });
        this.carrier.set(node.outputs[0]!, x);
        return undefined;
      case 'Flatten':
      case 'Reshape':
        return this.flatten(node, x);
      case 'Add':
      case 'Mul':
        return this.binary(node);
      case 'Concat':
        return this.concat(node);
      default:
        return `"${node.name}" (${node.opType}) uses the channels`;
    }
  }

  /** Flatten(axis 1) or Reshape of [N, C, H, W] to [N, C·H·W]: channel c owns H·W features. */
  private flatten(node: Node, x: Carrier | undefined): string | undefined {
    const inDims = this.dims(node.inputs[0]!);
    const outDims = this.dims(node.outputs[0]!);
    const toMatrix = outDims.length === 2 && outDims[0] === inDims[0];
    if (!x || !toMatrix || (node.opType === 'Flatten' && intAttr(node, 'axis', 1) !== 1)) {
      return `"${node.name}" (${node.opType}) mixes the channels with other axes`;
    }
    const perChannel = inDims.slice(2).reduce((a, b) => a * b, 1) * x.block;
    if (node.opType === 'Reshape') for (const p of x.parts) this.root(p.space).reshapes.push({ node, block: perChannel });
    this.carrier.set(node.outputs[0]!, { parts: x.parts, block: perChannel });
    return undefined;
  }

  /** Concat along the channels: each carried input's spaces move to their offset in the output. */
  private concat(node: Node): string | undefined {
    const rank = this.dims(node.outputs[0]!).length;
    const raw = intAttr(node, 'axis', 1);
    if ((raw < 0 ? raw + rank : raw) !== 1) return `"${node.name}" (Concat) joins along an axis other than the channels`;
    const parts: { space: number; offset: number }[] = [];
    let offset = 0;
    for (const input of node.inputs) {
      const c = this.carrier.get(input);
      if (c && c.block !== 1) return `"${node.name}" (Concat) joins flattened features`;
      for (const p of c?.parts ?? []) {
        parts.push({ space: p.space, offset: offset + p.offset });
        this.root(p.space).concats.push(node);
      }
      offset += this.dims(input)[1]!;
    }
    this.carrier.set(node.outputs[0]!, { parts, block: 1 });
    return undefined;
  }

  /** Add/Mul: two carried operands couple their spaces; a constant operand shrinks with the channels. */
  private binary(node: Node): string | undefined {
    const [a, b] = [node.inputs[0]!, node.inputs[1]!];
    const [ca, cb] = [this.carrier.get(a), this.carrier.get(b)];
    const out = node.outputs[0]!;
    if (ca && cb) {
      if (ca.block !== cb.block || this.dims(a).length !== this.dims(b).length || ca.parts.length !== 1 || cb.parts.length !== 1) {
        return `"${node.name}" (${node.opType}) combines differently laid-out channels`;
      }
      this.union(ca.parts[0]!.space, cb.parts[0]!.space);
      this.carrier.set(out, ca);
      return undefined;
    }
    const [carried, operand, input] = ca ? [ca, b, 1] : [cb!, a, 0];
    const rank = this.dims(out).length;
    const od = this.dims(operand);
    // The operand's dimension aligned (numpy broadcasting, from the right) with channel axis 1.
    const axis = 1 - (rank - od.length);
    if (axis >= 0 && od[axis] !== 1) {
      if (!this.inits.has(operand)) return `"${node.name}" (${node.opType}) combines the channels with a value holding all of them`;
      for (const p of carried.parts) this.root(p.space).slices.push({ node, input, axis, block: carried.block, offset: p.offset });
    }
    this.carrier.set(out, carried);
    return undefined;
  }

  private union(p: number, q: number): void {
    const [rp, rq] = [this.find(p), this.find(q)];
    if (rp === rq) return;
    const [sp, sq] = [this.spaces[rp]!, this.spaces[rq]!];
    sq.parent = rp;
    sp.producers.push(...sq.producers);
    sp.consumers.push(...sq.consumers);
    sp.slices.push(...sq.slices);
    sp.depthwise.push(...sq.depthwise);
    sp.reshapes.push(...sq.reshapes);
    sp.concats.push(...sq.concats);
    sp.blocked ??= sq.blocked;
  }
}
