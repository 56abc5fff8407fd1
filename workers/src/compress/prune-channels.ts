import { WorkersError } from '../errors.js';
import { DataType, type FloatTensor, type Model, type Node, type Tensor } from '../onnx/model.js';
import { dataTypeName, floatTensor, int64Tensor, toNumbers } from '../onnx/tensor.js';
import { channelGroups, type ChannelGroup } from './graph/channel-groups.js';
import { constantsToInitializers, dropUnusedInitializers, Namer, withGraph } from './graph/edit.js';
import { accumulateChannelNorms, finishNorms, keptChannels, type NormCriterion } from './math/channel-norms.js';
import { channelLayout } from './math/quant-params.js';
import { sliceAxis } from './math/slice-axis.js';

/** What channel pruning did to one group of coupled layers. */
export interface PrunedGroup {
  readonly producers: readonly string[];
  readonly consumers: readonly { readonly node: string; readonly block: number; readonly offset: number }[];
  /** Depthwise convs on the way, whose channels (outputs included) are pruned with the group's. */
  readonly depthwise: readonly string[];
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
  /**
   * Channel scores replacing the filter norms (higher keeps), per group of `channelGroups(model)`
   * in its order — e.g. `channelContributions`, measured on data.
   */
  readonly scores?: readonly (Float64Array | undefined)[];
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
  for (const [i, group] of analysis.groups.entries()) {
    const removeCount = channelsRemoved(group.channels, ratio);
    const scores = options.scores?.[i] ?? groupNorms(group, options.criterion ?? 'l1');
    if (scores.length !== group.channels) throw new WorkersError('BAD_ARGUMENT', `group ${i} has ${group.channels} channels, got ${scores.length} scores`);
    const kept = keptChannels(scores, removeCount);
    const keptSet = new Set(kept);
    const removed = Int32Array.from({ length: group.channels }, (_, c) => c).filter((c) => !keptSet.has(c));
    groups.push({
      producers: group.producers.map((p) => p.node.name),
      consumers: group.consumers.map((c) => ({ node: c.node.name, block: c.block, offset: c.offset })),
      depthwise: group.depthwise.map((n) => n.name),
      channels: group.channels,
      kept,
      removed,
    });
    if (removeCount > 0) edit.prune(group, removed);
  }
  return { model: edit.result(), groups, blocked: analysis.blocked };
}

function groupNorms(group: ChannelGroup, criterion: NormCriterion): Float64Array {
  const sums = new Float64Array(group.channels);
  for (const p of group.producers) accumulateChannelNorms(p.weight.data, channelLayout(p.weight.dims, p.outAxis), criterion, sums);
  return finishNorms(sums, criterion);
}

/**
 * Accumulates the channels to remove from each node input, per axis in the original numbering
 * (groups meeting in one tensor after a Concat remove at their own offsets), and rebuilds the graph
 * slicing each input once.
 */
class GraphEdit {
  private readonly inits: Map<string, Tensor>;
  private readonly namer: Namer;
  /** node → input index → axis → block and removed channels (original indices along the axis). */
  private readonly removals = new Map<Node, Map<number, Map<number, { block: number; removed: Set<number> }>>>();
  private readonly groupsOf = new Map<Node, number>();
  /** Reshape → channels removed from the features it flattens, with features per channel. */
  private readonly reshapes = new Map<Node, number>();

  constructor(private readonly model: Model) {
    this.inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
    this.namer = new Namer(model.graph);
  }

  prune(group: ChannelGroup, removed: Int32Array): void {
    for (const s of group.slices) {
      const byInput = this.removals.get(s.node) ?? new Map<number, Map<number, { block: number; removed: Set<number> }>>();
      this.removals.set(s.node, byInput);
      const byAxis = byInput.get(s.input) ?? new Map<number, { block: number; removed: Set<number> }>();
      byInput.set(s.input, byAxis);
      const entry = byAxis.get(s.axis) ?? { block: s.block, removed: new Set<number>() };
      if (entry.block !== s.block) throw new WorkersError('BAD_MODEL', `node "${s.node.name}" reads channels in blocks of ${entry.block} and ${s.block} on one axis`);
      for (const c of removed) entry.removed.add(s.offset + c);
      byAxis.set(s.axis, entry);
    }
    for (const node of group.depthwise) this.groupsOf.set(node, group.channels - removed.length);
    for (const r of group.reshapes) this.reshapes.set(r.node, (this.reshapes.get(r.node) ?? 0) + removed.length * r.block);
  }

  result(): Model {
    const replaced = new Map<Node, Map<number, Tensor>>();
    for (const [node, byInput] of this.removals) {
      const slots = new Map<number, Tensor>();
      for (const [input, byAxis] of byInput) slots.set(input, this.sliced(node, input, byAxis));
      replaced.set(node, slots);
    }
    for (const [node, features] of this.reshapes) {
      const shape = toNumbers(this.initializer(node.inputs[1]!));
      const target = [shape[0]!, shape[1] === -1 ? -1 : shape[1]! - features];
      replaced.set(node, new Map([[1, int64Tensor(this.namer.fresh(`${node.inputs[1]}_pruned`), [2], target)]]));
    }
    const added = [...replaced.values()].flatMap((m) => [...m.values()]);
    const nodes = this.model.graph.nodes.map((n): Node => {
      const inputs = n.inputs.map((v, i) => replaced.get(n)?.get(i)?.name ?? v);
      const group = this.groupsOf.get(n);
      return { ...n, inputs, attributes: group === undefined ? n.attributes : { ...n.attributes, group: { type: 'int', value: group } } };
    });
    const graph = dropUnusedInitializers({ ...this.model.graph, nodes, initializers: [...this.model.graph.initializers, ...added] });
    return withGraph(this.model, graph, { shapesChanged: added.length > 0 });
  }

  /** A node input with the removed channels of every axis sliced away. */
  private sliced(node: Node, input: number, byAxis: ReadonlyMap<number, { block: number; removed: Set<number> }>): FloatTensor {
    const t = this.initializer(node.inputs[input]!);
    if (t.dataType !== DataType.FLOAT) {
      throw new WorkersError('BAD_MODEL', `channel pruning needs FLOAT constants; "${t.name}" of node "${node.name}" is ${dataTypeName(t.dataType)}`);
    }
    let data = t.data as Float32Array;
    let dims = [...t.dims];
    for (const [axis, { block, removed }] of byAxis) {
      const channels = dims[axis]! / block;
      const keep = Int32Array.from({ length: channels }, (_, c) => c).filter((c) => !removed.has(c));
      ({ data, dims } = sliceAxis(data, dims, { axis, keep, block }));
    }
    return floatTensor(this.namer.fresh(`${t.name}_pruned`), dims, data);
  }

  private initializer(name: string): Tensor {
    const t = this.inits.get(name);
    if (!t) throw new WorkersError('BAD_MODEL', `"${name}" is not a constant`);
    return t;
  }
}
