import type { Dataset } from '../data/dataset.js';
import type { Model } from '../onnx/model.js';
import { channelMoments } from './calibrate.js';
import { channelGroups } from './graph/channel-groups.js';
import { weightLayer } from './graph/layers.js';

/**
 * Data-aware channel scores for `pruneChannels`, one array per group of `channelGroups(model)`:
 * channel c scores Σ over the layers reading it of E[x_c²]·‖W[:, c]‖² — the expected squared
 * output a channel feeds into the next layers, measured on calibration images (E[x²] = variance +
 * mean² of the consumer's input). Unlike a filter norm it sees the scale BatchNorm folding puts on
 * a channel and the activations that reach the next layer; it is the first-order term of the
 * reconstruction error of removing the channel that Luo et al., "ThiNet", ICCV 2017, §3.2,
 * minimize greedily (their criterion without the cross terms between channels). A group that no
 * weight layer reads gets undefined (its filter norms rank it).
 */
export async function channelContributions(model: Model, o: { data: Dataset; count: number }): Promise<(Float64Array | undefined)[]> {
  const { groups } = channelGroups(model);
  const inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
  const inputs = [...new Set(groups.flatMap((g) => g.consumers.map((c) => c.node.inputs[0]!)))];
  const moments = await channelMoments(model, { values: inputs, data: o.data, count: o.count });
  return groups.map((group) => {
    const scores = new Float64Array(group.channels);
    for (const consumer of group.consumers) {
      const layer = weightLayer(consumer.node, inits);
      const m = moments.get(consumer.node.inputs[0]!);
      if (!layer || !m) continue;
      const w = layer.weight;
      const inFeatures = w.dims[layer.inAxis]!;
      const perIn = layer.kind === 'Conv' ? w.dims[2]! * w.dims[3]! : 1;
      const outChannels = w.dims[layer.outAxis]!;
      for (let c = 0; c < group.channels; c++) {
        for (let k = 0; k < consumer.block; k++) {
          const f = (consumer.offset + c) * consumer.block + k;
          if (f >= inFeatures) continue;
          let norm = 0;
          for (let o2 = 0; o2 < outChannels; o2++) {
            for (let s = 0; s < perIn; s++) {
              const v = w.data[layer.kind === 'Conv' ? (o2 * inFeatures + f) * perIn + s : layer.outAxis === 0 ? o2 * inFeatures + f : f * outChannels + o2]!;
              norm += v * v;
            }
          }
          scores[c]! += norm * (m.variance[f]! + m.mean[f]! * m.mean[f]!);
        }
      }
    }
    // A group no weight layer reads keeps its filter-norm ranking.
    return scores.some((v) => v > 0) ? scores : undefined;
  });
}
