import { WorkersError } from '../errors.js';
import { DataType, type Attribute, type FloatTensor, type Model, type Node, type Tensor } from '../onnx/model.js';
import { dataTypeName, floatTensor, int64Tensor, toNumbers } from '../onnx/tensor.js';
import { channelGroups, type ChannelGroup } from './graph/channel-groups.js';
import { constantsToInitializers, dropUnusedInitializers, Namer, withGraph } from './graph/edit.js';
import { accumulateChannelNorms, finishNorms, keptChannels, type NormCriterion } from './math/channel-norms.js';
import { channelLayout } from './math/quant-params.js';
import { sliceAxis } from './math/slice-axis.js';

/** What channel pruning did to one group of coupled layers. */
export interface PrunedGroup {
  readonly producers: readonly string[];
  readonly consumers: readonly { readonly node: string; readonly block: number }[];
  readonly channels: number;
  /** Channels kept, ascending (indices into the original channels). */
  readonly kept: Int32Array;
  readonly removed: Int32Array;
}

export interface PruneChannelsResult {
  readonly model: Model;
  readonly groups: readonly PrunedGroup[];
  /** Layers whose channels could not be pruned, with the reason. */
  readonly blocked: readonly { readonly producers: readonly string[]; readonly reason: string }[];
}

export interface PruneChannelsOptions {
  /** Fraction of output channels removed from each prunable group, in [0, 1). */
  readonly ratio: number;
  /** Filter norm ranking channels. Default 'l1'. */
  readonly criterion?: NormCriterion;
}

/** Channels a ratio removes from C: round(ratio · C), leaving at least one. */
export function channelsRemoved(channels: number, ratio: number): number {
  return Math.min(channels - 1, Math.round(ratio * channels));
}

/**
 * Structured channel pruning: in each group of coupled layers (see `channelGroups`), the
 * round(ratio · C) output channels of smallest filter norm (summed over the group's producers) are
 * physically removed — from the producers' filters and biases, from BatchNormalization parameters,
 * depthwise convs and per-channel constants on the way, and from the input channels (or the
 * channel-major feature blocks after Flatten) of the layers that read them. The classifier output
 * layer is never pruned. The result is a smaller dense model computing exactly what the original
 * computes with the removed channels' contributions masked out.
 */
export function pruneChannels(model: Model, options: PruneChannelsOptions): PruneChannelsResult {
  const { ratio } = options;
  if (!(ratio >= 0 && ratio < 1)) {
    throw new WorkersError('BAD_RECIPE', `prune.ratio must be in [0, 1), got ${ratio}`, { field: 'prune.ratio', value: ratio });
  }
  const source = constantsToInitializers(model);
  const analysis = channelGroups(source);
  const edit = new GraphEdit(source);
  const groups: PrunedGroup[] = [];
  for (const group of analysis.groups) {
    const removeCount = channelsRemoved(group.channels, ratio);
    const kept = keptChannels(groupNorms(group, options.criterion ?? 'l1'), removeCount);
    const keptSet = new Set(kept);
    const removed = Int32Array.from({ length: group.channels }, (_, c) => c).filter((c) => !keptSet.has(c));
    groups.push({
      producers: group.producers.map((p) => p.node.name),
      consumers: group.consumers.map((c) => ({ node: c.node.name, block: c.block })),
      channels: group.channels,
      kept,
      removed,
    });
    if (removeCount > 0) edit.prune(group, kept);
  }
  return { model: edit.result(), groups, blocked: analysis.blocked };
}

function groupNorms(group: ChannelGroup, criterion: NormCriterion): Float64Array {
  const sums = new Float64Array(group.channels);
  for (const p of group.producers) accumulateChannelNorms(p.weight.data, channelLayout(p.weight.dims, p.outAxis), criterion, sums);
  return finishNorms(sums, criterion);
}

/** Accumulates the slicing of node inputs (composing slices on different axes) and rebuilds the graph. */
class GraphEdit {
  private readonly inits: Map<string, Tensor>;
  private readonly namer: Namer;
  /** node → input index → the sliced tensor that input now reads. */
  private readonly inputs = new Map<Node, Map<number, Tensor>>();
  private readonly attributes = new Map<Node, Record<string, Attribute>>();

  constructor(private readonly model: Model) {
    this.inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
    this.namer = new Namer(model.graph);
  }

  prune(group: ChannelGroup, kept: Int32Array): void {
    for (const s of group.slices) {
      const t = this.current(s.node, s.input);
      const sliced = sliceAxis(t.data, t.dims, { axis: s.axis, keep: kept, block: s.block });
      const name = this.slot(s.node).has(s.input) ? t.name : this.namer.fresh(`${t.name}_pruned`);
      this.slot(s.node).set(s.input, floatTensor(name, sliced.dims, sliced.data));
    }
    for (const node of group.depthwise) {
      this.attributes.set(node, { ...node.attributes, group: { type: 'int', value: kept.length } });
    }
    for (const r of group.reshapes) {
      const shape = toNumbers(this.initializer(r.node.inputs[1]!));
      const target = [shape[0]!, shape[1] === -1 ? -1 : kept.length * r.block];
      this.slot(r.node).set(1, int64Tensor(this.namer.fresh(`${r.node.inputs[1]}_pruned`), [2], target));
    }
  }

  result(): Model {
    const added = [...this.inputs.values()].flatMap((m) => [...m.values()]);
    const nodes = this.model.graph.nodes.map((n): Node => {
      const inputs = n.inputs.map((v, i) => this.inputs.get(n)?.get(i)?.name ?? v);
      return { ...n, inputs, attributes: this.attributes.get(n) ?? n.attributes };
    });
    const graph = dropUnusedInitializers({ ...this.model.graph, nodes, initializers: [...this.model.graph.initializers, ...added] });
    return withGraph(this.model, graph, { shapesChanged: added.length > 0 });
  }

  private slot(node: Node): Map<number, Tensor> {
    let m = this.inputs.get(node);
    if (!m) this.inputs.set(node, (m = new Map()));
    return m;
  }

  private current(node: Node, input: number): FloatTensor {
    const t = this.inputs.get(node)?.get(input) ?? this.initializer(node.inputs[input]!);
    if (t.dataType !== DataType.FLOAT) {
      throw new WorkersError('BAD_MODEL', `channel pruning needs FLOAT constants; "${t.name}" of node "${node.name}" is ${dataTypeName(t.dataType)}`);
    }
    return t as FloatTensor;
  }

  private initializer(name: string): Tensor {
    const t = this.inits.get(name);
    if (!t) throw new WorkersError('BAD_MODEL', `"${name}" is not a constant`);
    return t;
  }
}
