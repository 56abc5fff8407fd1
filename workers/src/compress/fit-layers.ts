import type { Dataset } from '../data/dataset.js';
import { Rng } from '../data/rng.js';
import { WorkersError } from '../errors.js';
import { floatAttr, intsAttr, stringAttr } from '../onnx/attributes.js';
import type { Model, Node, Tensor } from '../onnx/model.js';
import { floatTensor } from '../onnx/tensor.js';
import { topologicalOrder } from '../onnx/topological-order.js';
import { DEFAULT_CALIBRATION_COUNT, observeActivations } from './calibrate.js';
import { Namer, withGraph } from './graph/edit.js';
import { layerBias, weightLayer, type WeightLayer } from './graph/layers.js';
import { cholesky, inverseUpperFactor, solveCholesky } from './math/cholesky.js';
import type { QuantizedTensor } from './math/quant-params.js';

/** The integer grid a layer's fitted weights are rounded to. */
export interface RoundingGrid {
  /** Scales, zero points, range and layout of the codes (its `codes` are replaced). */
  readonly q: QuantizedTensor;
  /** The code of value `v` in output channel `channel`. */
  readonly code: (v: number, channel: number) => number;
}

export interface FitLayersOptions {
  /** The reference model: each layer is fitted to reproduce its output there (same node names). */
  readonly original: Model;
  /** Calibration images: a subset of the `fit` split, never `val` or `test`. */
  readonly data: Dataset;
  /** Images used. Default 1000 (all if fewer). */
  readonly count?: number;
  /**
   * For layers whose output channels were pruned away, by node name: the original indices of the
   * channels kept, ascending (their outputs are fitted to those channels of the original).
   */
  readonly keptOutputs?: ReadonlyMap<string, Int32Array>;
  /**
   * The grid each layer's weights are rounded to, from its fitted float weights; undefined keeps
   * them float. Rounding goes weight by weight, each rounding error absorbed by the weights after
   * it (see `fitLayers`).
   */
  readonly grid?: (layer: WeightLayer, fitted: Float32Array) => RoundingGrid | undefined;
  /** Sampled output positions per image (a conv's pixels; all when fewer). Default 32. */
  readonly positions?: number;
  /** Seeds the sampled positions. Default 0. */
  readonly seed?: number;
  /** Damping of XᵀX relative to its mean diagonal (see {@link DAMPING}). Default 0.01. */
  readonly damping?: number;
  /**
   * Only the structure of the result, for the pre-screen estimate: every layer that would be
   * fitted gets its bias (zero where it had none), without running anything.
   */
  readonly structureOnly?: boolean;
}

export interface FittedLayer {
  readonly node: string;
  /** ‖y − ŷ‖² / ‖y‖² over the calibration samples before and after the fit (y: the original's output). */
  readonly errorBefore: number;
  readonly errorAfter: number;
}

export interface FitLayersResult {
  readonly model: Model;
  readonly fitted: readonly FittedLayer[];
  readonly skipped: readonly { readonly node: string; readonly reason: string }[];
  /** With a grid: the codes of every rounded weight tensor, by initializer name of the result. */
  readonly codes: ReadonlyMap<string, QuantizedTensor>;
}

/**
 * Weights per filter (plus the bias) above which a layer is left as it is: the fit factors a
 * (d+1)² matrix, about 2 s at d = 2048 on one core.
 */
const MAX_FEATURES = 2048;

/**
 * Damping added to the diagonal of XᵀX, relative to its mean: 1 %, the dampening of Frantar et al.,
 * "GPTQ: Accurate Post-Training Quantization for Generative Pre-trained Transformers", ICLR 2023,
 * §4 ("Cholesky Reformulation"). Here it pulls each fit towards the layer's current weights.
 */
const DAMPING = 0.01;

/**
 * Layer-wise least-squares reconstruction without training. For every Conv/Gemm/MatMul in
 * topological order, the layer's input in the model being fitted (with the layers before it
 * already fitted, so upstream errors are compensated) and its output in `original` are sampled on
 * the calibration images at the same positions, and its weights and bias are refitted:
 *
 *   B = argmin ‖Y − X·B‖² + λ‖B − B₀‖²   (X: input patches with a constant 1 for the bias; B₀: current weights)
 *
 * — for a layer reading channel-pruned inputs, the reconstruction of the next layer from the kept
 * channels of He et al., "Channel Pruning for Accelerating Very Deep Neural Networks", ICCV 2017,
 * §3.1, and Luo et al., "ThiNet", ICCV 2017, §3.3, solved in closed form over all output channels
 * at once. Weights that are exactly zero (pruned) stay zero, and with a `grid` every weight is
 * rounded: since ‖Y − X·B‖² = ‖(B* − B)ᵀX‖² + const about the solution B*, the constrained weights
 * are set one input feature at a time and each one's error e is absorbed by the features after it
 * through the upper Cholesky factor U of (XᵀX)⁻¹ (B[j] −= e·U[i,j]/U[i,i]): the error-compensating
 * sweep of Frantar et al. 2023, Algorithm 1 (itself Optimal Brain Quantization), with the float
 * bias last so that it takes up what is left. One onnxruntime pass over `original`, one per layer.
 */
export async function fitLayers(model: Model, options: FitLayersOptions): Promise<FitLayersResult> {
  const count = Math.min(options.count ?? DEFAULT_CALIBRATION_COUNT, options.data.count);
  const perImage = options.positions ?? 32;
  const inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
  const readers = new Map<string, number>();
  for (const n of model.graph.nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  const originalNodes = new Map(options.original.graph.nodes.map((n) => [n.name, n]));
  const skipped: { node: string; reason: string }[] = [];
  const plans: LayerPlan[] = [];
  for (const node of topologicalOrder(model.graph)) {
    const layer = weightLayer(node, inits);
    if (!layer) continue;
    const target = originalNodes.get(node.name)?.outputs[0];
    const reason = !target
      ? 'not in the original model'
      : (readers.get(layer.weight.name) ?? 0) > 1
        ? 'its weight is shared with another node'
        : layer.kind === 'Conv' && stringAttr(node, 'auto_pad', 'NOTSET') !== 'NOTSET'
          ? 'auto_pad convolutions are not fitted'
          : featuresPerGroup(layer) + 1 > MAX_FEATURES
            ? `${featuresPerGroup(layer)} weights per filter (more than ${MAX_FEATURES - 1})`
            : undefined;
    if (reason) skipped.push({ node: node.name, reason });
    else plans.push({ node, target: target!, kept: options.keptOutputs?.get(node.name) });
  }
  let current = model;
  const layerOf = (plan: LayerPlan) => weightLayer(current.graph.nodes.find((n) => n.name === plan.node.name)!, new Map(current.graph.initializers.map((t) => [t.name, t])))!;
  if (options.structureOnly) {
    for (const plan of plans) {
      const layer = layerOf(plan);
      if (layer.kind !== 'MatMul' && !layer.bias) current = setLayerParameters(current, layer, layer.weight.data, new Float32Array(layer.weight.dims[layer.outAxis]!));
    }
    return { model: current, fitted: [], skipped, codes: new Map() };
  }
  const targets = await sampleTargets(options.original, plans, { data: options.data, count, perImage, seed: options.seed ?? 0 });
  const fitted: FittedLayer[] = [];
  const codes = new Map<string, QuantizedTensor>();
  for (const plan of plans) {
    const layer = layerOf(plan);
    const stats = await inputStatistics(current, layer, targets.get(plan.node.name)!, { data: options.data, count });
    const r = solveLayer(layer, stats, options.grid, options.damping ?? DAMPING);
    current = setLayerParameters(current, layer, r.weight, r.bias);
    const weightName = current.graph.nodes.find((n) => n.name === plan.node.name)!.inputs[1]!;
    if (r.q) codes.set(weightName, r.q);
    fitted.push({ node: plan.node.name, errorBefore: r.errorBefore, errorAfter: r.errorAfter });
  }
  return { model: current, fitted, skipped, codes };
}

interface LayerPlan {
  readonly node: Node;
  /** The layer's output in the original model. */
  readonly target: string;
  readonly kept: Int32Array | undefined;
}

/** One layer's sampled targets: per sample, the kept output channels of the original. */
interface Targets {
  readonly positions: Int32Array;
  readonly values: Float32Array;
  readonly channels: number;
  /** Output positions per image (a conv's OH·OW). */
  readonly spatial: number;
  readonly outDims: readonly number[];
}

function featuresPerGroup(layer: WeightLayer): number {
  const w = layer.weight.dims;
  return layer.kind === 'Conv' ? w[1]! * w[2]! * w[3]! : w[layer.inAxis]!;
}

/** Output positions per image of a layer output of shape `dims` (batch first, channels last for Gemm/MatMul). */
function spatialOf(layer: WeightLayer, dims: readonly number[]): number {
  return layer.kind === 'Conv' ? dims.slice(2).reduce((p, d) => p * d, 1) : dims.slice(1, -1).reduce((p, d) => p * d, 1);
}

/** One pass over the original: each layer's output at `perImage` random positions per image. */
async function sampleTargets(
  original: Model,
  plans: readonly LayerPlan[],
  o: { data: Dataset; count: number; perImage: number; seed: number },
): Promise<Map<string, Targets>> {
  const inits = new Map(original.graph.initializers.map((t) => [t.name, t]));
  const byTarget = new Map(plans.map((p, i) => [p.target, { plan: p, layer: weightLayer(originalNode(original, p.node.name), inits), rng: new Rng(o.seed + i), at: 0 }]));
  const result = new Map<string, Targets & { values: Float32Array; positions: Int32Array }>();
  await observeActivations(original, { values: [...byTarget.keys()], data: o.data, count: o.count }, (name, values, dims) => {
    const entry = byTarget.get(name)!;
    const { plan } = entry;
    const layer = entry.layer ?? undefined;
    if (!layer) throw new WorkersError('BAD_MODEL', `layer "${plan.node.name}" is not a weight layer in the original model`);
    const outChannels = layer.kind === 'Conv' ? dims[1]! : dims.at(-1)!;
    const spatial = spatialOf(layer, dims);
    const samples = Math.min(o.perImage, spatial);
    const channels = plan.kept?.length ?? outChannels;
    let t = result.get(plan.node.name);
    if (!t) {
      t = { positions: new Int32Array(o.count * samples), values: new Float32Array(o.count * samples * channels), channels, spatial, outDims: dims.slice(1) };
      result.set(plan.node.name, t);
    }
    const images = dims[0]!;
    for (let b = 0; b < images; b++) {
      for (let s = 0; s < samples; s++, entry.at++) {
        const p = samples === spatial ? s : entry.rng.int(spatial);
        t.positions[entry.at] = p;
        for (let m = 0; m < channels; m++) {
          const c = plan.kept ? plan.kept[m]! : m;
          t.values[entry.at * channels + m] = layer.kind === 'Conv' ? values[(b * outChannels + c) * spatial + p]! : values[(b * spatial + p) * outChannels + c]!;
        }
      }
    }
  });
  return result;
}

function originalNode(model: Model, name: string): Node {
  return model.graph.nodes.find((n) => n.name === name)!;
}

/** XᵀX, XᵀY and Σy² per group of a layer, over the sampled positions. */
interface Statistics {
  readonly groups: number;
  /** Features per group, the constant 1 of the bias last when the layer has one. */
  readonly d: number;
  readonly outPerGroup: number;
  readonly hasBias: boolean;
  readonly gram: Float64Array[];
  readonly cross: Float64Array[];
  readonly yy: Float64Array;
}

/** Accumulates the layer's input patches in `model` against the sampled targets. */
async function inputStatistics(model: Model, layer: WeightLayer, t: Targets, o: { data: Dataset; count: number }): Promise<Statistics> {
  const hasBias = layer.kind !== 'MatMul';
  const groups = layer.group;
  const outChannels = layer.weight.dims[layer.outAxis]!;
  if (outChannels !== t.channels) {
    throw new WorkersError('BAD_MODEL', `layer "${layer.node.name}" has ${outChannels} output channels, the original ${t.channels} kept`);
  }
  const outPerGroup = outChannels / groups;
  const features = featuresPerGroup(layer);
  const d = features + (hasBias ? 1 : 0);
  const gram = Array.from({ length: groups }, () => new Float64Array(d * d));
  const cross = Array.from({ length: groups }, () => new Float64Array(d * outPerGroup));
  const yy = new Float64Array(groups);
  const x = new Float64Array(d);
  let at = 0;
  await observeActivations(model, { values: [layer.node.inputs[0]!], data: o.data, count: o.count }, (_, values, dims) => {
    const patch = patchReader(layer, dims, t);
    const perImage = t.positions.length / o.count;
    for (let b = 0; b < dims[0]!; b++) {
      for (let s = 0; s < perImage; s++, at++) {
        const p = t.positions[at]!;
        for (let g = 0; g < groups; g++) {
          patch(values, b, p, g, x);
          if (hasBias) x[features] = 1;
          const G = gram[g]!;
          for (let i = 0; i < d; i++) {
            const xi = x[i]!;
            if (xi === 0) continue;
            const row = i * d;
            for (let j = 0; j <= i; j++) G[row + j]! += xi * x[j]!;
          }
          const C = cross[g]!;
          const y = t.values.subarray(at * t.channels + g * outPerGroup, at * t.channels + (g + 1) * outPerGroup);
          for (let m = 0; m < outPerGroup; m++) yy[g]! += y[m]! * y[m]!;
          for (let i = 0; i < d; i++) {
            const xi = x[i]!;
            if (xi === 0) continue;
            const row = i * outPerGroup;
            for (let m = 0; m < outPerGroup; m++) C[row + m]! += xi * y[m]!;
          }
        }
      }
    }
  });
  for (const G of gram) for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) G[j * d + i] = G[i * d + j]!;
  return { groups, d, outPerGroup, hasBias, gram, cross, yy };
}

/** Reads the input features of output position p, group g, image b into `out`. */
type PatchReader = (values: Float32Array, b: number, p: number, g: number, out: Float64Array) => void;

function patchReader(layer: WeightLayer, dims: readonly number[], t: Targets): PatchReader {
  if (layer.kind !== 'Conv') {
    const k = dims.at(-1)!;
    const spatial = dims.slice(1, -1).reduce((q, d) => q * d, 1);
    if (k !== featuresPerGroup(layer) || spatial !== t.spatial) {
      throw new WorkersError('BAD_MODEL', `layer "${layer.node.name}" reads [${dims.join(', ')}], which does not match its weight [${layer.weight.dims.join(', ')}]`);
    }
    return (values, b, p, _g, out) => {
      const base = (b * spatial + p) * k;
      for (let i = 0; i < k; i++) out[i] = values[base + i]!;
    };
  }
  const node = layer.node;
  const [, cg, kh, kw] = layer.weight.dims as [number, number, number, number];
  const [channels, h, w] = [dims[1]!, dims[2]!, dims[3]!];
  const [sh, sw] = intsAttr(node, 'strides', [1, 1])!;
  const [dh, dw] = intsAttr(node, 'dilations', [1, 1])!;
  const [pt, pl] = intsAttr(node, 'pads', [0, 0, 0, 0])!;
  const ow = t.outDims[2]!;
  if (channels !== cg * layer.group) {
    throw new WorkersError('BAD_MODEL', `conv "${node.name}" reads ${channels} channels, its weight expects ${cg * layer.group}`);
  }
  return (values, b, p, g, out) => {
    const oy = Math.floor(p / ow);
    const ox = p % ow;
    let f = 0;
    for (let c = 0; c < cg; c++) {
      const plane = (b * channels + g * cg + c) * h * w;
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh! - pt! + ky * dh!;
        for (let kx = 0; kx < kw; kx++, f++) {
          const ix = ox * sw! - pl! + kx * dw!;
          out[f] = iy >= 0 && iy < h && ix >= 0 && ix < w ? values[plane + iy * w + ix]! : 0;
        }
      }
    }
  };
}

/** Flat weight index of output channel m (within the whole layer), input feature f of its group. */
function weightIndex(layer: WeightLayer, m: number, f: number): number {
  const dims = layer.weight.dims;
  if (layer.kind === 'Conv' || layer.outAxis === 0) return m * featuresPerGroup(layer) + f;
  return f * dims[1]! + m;
}

/** The least-squares fit of one layer (see `fitLayers`), rounded to `grid` when given. */
function solveLayer(
  layer: WeightLayer,
  s: Statistics,
  grid: FitLayersOptions['grid'],
  damping: number,
): { weight: Float32Array; bias: Float32Array | undefined; q: QuantizedTensor | undefined; errorBefore: number; errorAfter: number } {
  const { d, outPerGroup: mg, hasBias } = s;
  const features = hasBias ? d - 1 : d;
  const outChannels = layer.weight.dims[layer.outAxis]!;
  // Gemm computes alpha·A·B + beta·C: the fit is over the effective weights alpha·B and bias beta·C.
  const alpha = layer.kind === 'Gemm' ? floatAttr(layer.node, 'alpha', 1) : 1;
  const beta = layer.kind === 'Gemm' ? floatAttr(layer.node, 'beta', 1) : 1;
  const oldBias = hasBias ? layerBias(layer, outChannels) : undefined;
  const solutions: Float64Array[] = [];
  const dampings: Float64Array[] = [];
  let errorBefore = 0;
  let errorAfter = 0;
  let yy = 0;
  for (let g = 0; g < s.groups; g++) {
    const anchor = new Float64Array(d * mg);
    for (let m = 0; m < mg; m++) {
      const channel = g * mg + m;
      for (let f = 0; f < features; f++) anchor[f * mg + m] = alpha * layer.weight.data[weightIndex(layer, channel, f)]!;
      if (oldBias) anchor[features * mg + m] = beta * oldBias[channel]!;
    }
    const G = s.gram[g]!;
    let trace = 0;
    for (let i = 0; i < features; i++) trace += G[i * d + i]!;
    const lambda = Math.max(damping * (trace / Math.max(1, features)), 1e-8);
    const damped = Float64Array.from(G);
    for (let i = 0; i < d; i++) damped[i * d + i]! += lambda;
    const rhs = Float64Array.from(s.cross[g]!, (c, i) => c + lambda * anchor[i]!);
    const solution = solveCholesky(cholesky(damped, d), d, rhs, mg);
    // Pruned weights stay pruned: zero in the anchor, zero in the fit.
    for (let f = 0; f < features; f++) for (let m = 0; m < mg; m++) if (anchor[f * mg + m] === 0) solution[f * mg + m] = 0;
    solutions.push(solution);
    dampings.push(damped);
    errorBefore += residual(G, s.cross[g]!, s.yy[g]!, anchor, d, mg);
    yy += s.yy[g]!;
  }
  const fittedWeight = () => {
    const w = new Float32Array(layer.weight.data.length);
    for (let g = 0; g < s.groups; g++) {
      for (let m = 0; m < mg; m++) for (let f = 0; f < features; f++) w[weightIndex(layer, g * mg + m, f)] = solutions[g]![f * mg + m]! / alpha;
    }
    return w;
  };
  const rounding = grid?.(layer, fittedWeight());
  const needsSweep = rounding !== undefined || hasZeros(layer.weight.data);
  for (let g = 0; g < s.groups && needsSweep; g++) {
    const anchorZero = (f: number, m: number) => layer.weight.data[weightIndex(layer, g * mg + m, f)] === 0;
    sweep(solutions[g]!, dampings[g]!, { d, mg, features, project: (f, m, v) => (anchorZero(f, m) ? 0 : rounding ? roundTo(rounding, g * mg + m, v / alpha) * alpha : v) });
  }
  for (let g = 0; g < s.groups; g++) errorAfter += residual(s.gram[g]!, s.cross[g]!, s.yy[g]!, solutions[g]!, d, mg);
  const weight = fittedWeight();
  const bias = hasBias ? Float32Array.from({ length: outChannels }, (_, c) => solutions[Math.floor(c / mg)]![features * mg + (c % mg)]! / beta) : undefined;
  let q: QuantizedTensor | undefined;
  if (rounding) {
    const codeOf = new Int32Array(weight.length);
    for (let c = 0; c < outChannels; c++) {
      for (let f = 0; f < features; f++) {
        const i = weightIndex(layer, c, f);
        codeOf[i] = rounding.code(weight[i]!, c);
      }
    }
    q = { ...rounding.q, codes: codeOf };
  }
  return { weight, bias, q, errorBefore: yy > 0 ? errorBefore / yy : 0, errorAfter: yy > 0 ? errorAfter / yy : 0 };
}

function hasZeros(data: Float32Array): boolean {
  return data.includes(0);
}

/** The grid value nearest `v` in channel c (the dequantized code). */
function roundTo(grid: RoundingGrid, channel: number, v: number): number {
  const q = grid.q;
  const code = grid.code(v, channel);
  const c = q.scales.length === 1 ? 0 : channel;
  return Math.fround(q.scales[c]! * (code - q.zeroPoints[c]!));
}

/**
 * The error-compensating sweep: feature by feature, each output channel's weight is replaced by its
 * projection and the error, scaled by 1/U[i,i], is subtracted from the features after it along row
 * i of U (U: upper Cholesky factor of the damped (XᵀX)⁻¹). The bias (the last feature) is never
 * projected. `b` is d × mg, overwritten.
 */
function sweep(b: Float64Array, damped: Float64Array, o: { d: number; mg: number; features: number; project: (f: number, m: number, v: number) => number }): void {
  const { d, mg } = o;
  const u = inverseUpperFactor(damped, d);
  const err = new Float64Array(mg);
  for (let i = 0; i < o.features; i++) {
    const uii = u[i * d + i]!;
    for (let m = 0; m < mg; m++) {
      const v = b[i * mg + m]!;
      const q = o.project(i, m, v);
      b[i * mg + m] = q;
      err[m] = (v - q) / uii;
    }
    for (let j = i + 1; j < d; j++) {
      const uij = u[i * d + j]!;
      if (uij === 0) continue;
      const row = j * mg;
      for (let m = 0; m < mg; m++) b[row + m]! -= err[m]! * uij;
    }
  }
}

/** ‖Y − X·B‖² = Σy² − 2·⟨B, XᵀY⟩ + ⟨B, XᵀX·B⟩, from the accumulated statistics. */
function residual(gram: Float64Array, cross: Float64Array, yy: number, b: Float64Array, d: number, mg: number): number {
  let r = yy;
  for (let i = 0; i < d * mg; i++) r -= 2 * b[i]! * cross[i]!;
  const gb = new Float64Array(mg);
  for (let i = 0; i < d; i++) {
    gb.fill(0);
    for (let j = 0; j < d; j++) {
      const gij = gram[i * d + j]!;
      if (gij === 0) continue;
      for (let m = 0; m < mg; m++) gb[m]! += gij * b[j * mg + m]!;
    }
    for (let m = 0; m < mg; m++) r += b[i * mg + m]! * gb[m]!;
  }
  return Math.max(0, r);
}

/** The model with the layer's weight and bias replaced by new initializers (a bias is added where there was none). */
function setLayerParameters(model: Model, layer: WeightLayer, weight: Float32Array, bias: Float32Array | undefined): Model {
  const namer = new Namer(model.graph);
  const added: Tensor[] = [floatTensor(namer.fresh(`${layer.weight.name}_fitted`), layer.weight.dims, weight)];
  const inputs = [...layer.node.inputs];
  inputs[1] = added[0]!.name;
  if (bias) {
    const t = floatTensor(namer.fresh(`${layer.node.name}.bias_fitted`), [bias.length], bias);
    added.push(t);
    inputs[2] = t.name;
  }
  const nodes = model.graph.nodes.map((n) => (n === layer.node ? { ...n, inputs } : n));
  const used = new Set(nodes.flatMap((n) => n.inputs));
  const initializers = [...model.graph.initializers.filter((t) => used.has(t.name)), ...added];
  return withGraph(model, { nodes, initializers });
}
