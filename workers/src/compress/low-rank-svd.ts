import { WorkersError } from '../errors.js';
import { intAttr } from '../onnx/attributes.js';
import type { Attribute, Model, Node, Tensor } from '../onnx/model.js';
import { floatTensor } from '../onnx/tensor.js';
import { consumers, dropUnusedInitializers, Namer, withGraph } from './graph/edit.js';
import { weightLayers, type WeightLayer } from './graph/layers.js';
import { truncatedSvd } from './math/svd-truncate.js';

/** What low-rank factorization did to one layer. */
export interface LowRankLayer {
  readonly node: string;
  readonly opType: string;
  readonly rank: number;
  readonly fullRank: number;
  readonly paramsBefore: number;
  readonly paramsAfter: number;
  /** ‖W − L·R‖_F / ‖W‖_F. */
  readonly relativeError: number;
}

export interface LowRankResult {
  readonly model: Model;
  readonly factorized: readonly LowRankLayer[];
  /** Layers left alone, with the reason. */
  readonly skipped: readonly { readonly node: string; readonly reason: string }[];
}

export interface LowRankOptions {
  readonly rankRatio: number;
  /**
   * 'svd' (default): the truncated SVD factors. 'structure': factors of the right shapes filled
   * with a fixed pattern of the weight's RMS magnitude, without computing the SVD — for estimating
   * sizes, MACs, memory and latency of a recipe before compressing (the outputs are meaningless).
   */
  readonly factors?: 'svd' | 'structure';
}

/** The rank kept for a layer: r = ceil(rankRatio · min(out, in)). */
export function keptRank(rankRatio: number, out: number, inputs: number): number {
  return Math.max(1, Math.ceil(rankRatio * Math.min(out, inputs)));
}

/**
 * Replaces Conv/Gemm/MatMul weights by truncated-SVD factors of rank r = ceil(rankRatio ·
 * min(out, in)), as two layers: a Gemm/MatMul becomes x·L then ·R (Denton et al., "Exploiting
 * Linear Structure Within Convolutional Networks", NeurIPS 2014); a k×k Conv with M filters over
 * C channels becomes a k×k Conv with r filters followed by a 1×1 Conv back to M channels — the
 * channel decomposition of Zhang et al., "Accelerating Very Deep Convolutional Networks for
 * Classification and Detection", TPAMI 2016 (SVD of the [M, C·k·k] filter matrix). A layer is
 * factorized only where r·(out + in) < out·in, i.e. where it saves parameters; grouped convs and
 * weights shared between nodes are left alone.
 */
export function lowRankSvd(model: Model, options: LowRankOptions): LowRankResult {
  const { rankRatio } = options;
  if (!(rankRatio > 0 && rankRatio <= 1)) {
    throw new WorkersError('BAD_RECIPE', `lowRank.rankRatio must be in (0, 1], got ${rankRatio}`, { field: 'lowRank.rankRatio', value: rankRatio });
  }
  const readers = consumers(model.graph);
  const namer = new Namer(model.graph);
  const replaced = new Map<Node, Node[]>();
  const added: Tensor[] = [];
  const factorized: LowRankLayer[] = [];
  const skipped: { node: string; reason: string }[] = [];
  for (const layer of weightLayers(model)) {
    const name = layer.node.name;
    if (layer.group !== 1) {
      skipped.push({ node: name, reason: `grouped convolution (group ${layer.group})` });
      continue;
    }
    if ((readers.get(layer.weight.name)?.length ?? 0) > 1) {
      skipped.push({ node: name, reason: `weight "${layer.weight.name}" is shared with other nodes` });
      continue;
    }
    const { rows, cols } = matrixShape(layer);
    const rank = keptRank(rankRatio, rows, cols);
    if (rank * (rows + cols) >= rows * cols) {
      skipped.push({ node: name, reason: `rank ${rank} of ${Math.min(rows, cols)} saves no parameters` });
      continue;
    }
    const svd = options.factors === 'structure' ? placeholderFactors(layer.weight.data, { rows, cols, rank }) : truncatedSvd(layer.weight.data, { rows, cols, rank });
    const norm = Math.hypot(...svd.singularValues);
    const rewrite = factorLayer(layer, { left: svd.left, right: svd.right, rank, namer });
    replaced.set(layer.node, rewrite.nodes);
    added.push(...rewrite.tensors);
    factorized.push({
      node: name,
      opType: layer.kind,
      rank,
      fullRank: Math.min(rows, cols),
      paramsBefore: rows * cols,
      paramsAfter: rank * (rows + cols),
      relativeError: norm > 0 ? svd.discardedNorm / norm : 0,
    });
  }
  if (replaced.size === 0) return { model, factorized, skipped };
  const nodes = model.graph.nodes.flatMap((n) => replaced.get(n) ?? [n]);
  const graph = dropUnusedInitializers({ ...model.graph, nodes, initializers: [...model.graph.initializers, ...added] });
  return { model: withGraph(model, graph, { shapesChanged: true }), factorized, skipped };
}

/**
 * Factors of the SVD's shapes (left rows×r, right r×cols) without the decomposition: a fixed,
 * sign-alternating pattern at the weight's RMS magnitude, so zero counts and magnitudes stay
 * plausible for a later pruning stage. Reconstruction error is not computed (reported as 0).
 */
function placeholderFactors(w: Float32Array, s: { rows: number; cols: number; rank: number }) {
  let sum = 0;
  for (let i = 0; i < w.length; i++) sum += w[i]! * w[i]!;
  const rms = Math.sqrt(sum / Math.max(1, w.length)) || 1;
  const fill = (n: number) => Float32Array.from({ length: n }, (_, i) => rms * (1 + (i % 7) / 7) * (i % 2 ? -1 : 1));
  return { left: fill(s.rows * s.rank), right: fill(s.rank * s.cols), singularValues: [0], discardedNorm: 0 };
}

/** The weight as the matrix that is factorized: rows × cols, row-major, as stored. */
function matrixShape(layer: WeightLayer): { rows: number; cols: number } {
  const d = layer.weight.dims;
  return layer.kind === 'Conv' ? { rows: d[0]!, cols: d[1]! * d[2]! * d[3]! } : { rows: d[0]!, cols: d[1]! };
}

interface Factors {
  readonly left: Float32Array;
  readonly right: Float32Array;
  readonly rank: number;
  readonly namer: Namer;
}

/** Two nodes computing the layer with W ≈ L·R (stored layout), the second writing the original output. */
function factorLayer(layer: WeightLayer, f: Factors): { nodes: Node[]; tensors: Tensor[] } {
  const { node, weight } = layer;
  const [rows, cols] = [weight.dims[0]!, weight.dims.slice(1).reduce((a, b) => a * b, 1)];
  const hidden = f.namer.fresh(`${node.outputs[0]}_lowrank`);
  const name1 = f.namer.fresh(`${node.name}_lowrank_a`);
  const name2 = f.namer.fresh(`${node.name}_lowrank_b`);
  const t = (suffix: string, dims: number[], data: Float32Array) => floatTensor(f.namer.fresh(`${weight.name}_${suffix}`), dims, data);
  const make = (name: string, inputs: string[], outputs: string[], attributes: Record<string, Attribute>): Node => ({
    name, opType: node.opType, domain: node.domain, inputs, outputs, attributes,
  });
  const x = node.inputs[0]!;
  const bias = node.inputs.slice(2);
  switch (layer.kind) {
    case 'Conv': {
      // Filters of the first conv are the rows of R (r × C·k·k); the 1×1 conv mixes them with L.
      const a = t('lowrank_a', [f.rank, ...weight.dims.slice(1)], f.right);
      const b = t('lowrank_b', [rows, f.rank, 1, 1], f.left);
      return {
        nodes: [
          make(name1, [x, a.name], [hidden], node.attributes),
          make(name2, [hidden, b.name, ...bias], node.outputs.slice(), { kernel_shape: { type: 'ints', value: [1, 1] } }),
        ],
        tensors: [a, b],
      };
    }
    case 'Gemm': {
      // Stored W is [out, in] with transB = 1 (y = x·Rᵀ·Lᵀ), or [in, out] with transB = 0 (y = x·L·R).
      const transB = intAttr(node, 'transB', 0) === 1;
      const first = transB ? t('lowrank_a', [f.rank, cols], f.right) : t('lowrank_a', [rows, f.rank], f.left);
      const second = transB ? t('lowrank_b', [rows, f.rank], f.left) : t('lowrank_b', [f.rank, cols], f.right);
      const transBAttr: Record<string, Attribute> = { transB: { type: 'int', value: transB ? 1 : 0 } };
      return {
        nodes: [make(name1, [x, first.name], [hidden], transBAttr), make(name2, [hidden, second.name, ...bias], node.outputs.slice(), node.attributes)],
        tensors: [first, second],
      };
    }
    case 'MatMul': {
      const a = t('lowrank_a', [rows, f.rank], f.left);
      const b = t('lowrank_b', [f.rank, cols], f.right);
      return { nodes: [make(name1, [x, a.name], [hidden], {}), make(name2, [hidden, b.name], node.outputs.slice(), {})], tensors: [a, b] };
    }
  }
}
