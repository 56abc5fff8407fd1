import type { TrialMetrics } from '../objectives/objectives.js';
import type { Recipe } from '@frontier/workers';
import type { Rng } from '@frontier/workers';

/**
 * A synthetic model of what compression does to a small CNN for Fashion-MNIST on an STM32H743, for
 * benchmarking samplers before real tables exist. Sizes, MACs and RAM are counted exactly from the
 * layer shapes; latency is a cycle model; accuracy follows curve shapes reported in the literature
 * (constants below, each with its source or marked as chosen), with seeded evaluation noise. It is
 * plausible, not a prediction of any real model: real tables (from zoo evaluations) replace it.
 */

/** One parametric layer: `in`/`out` channels (features), kernel area `k`, output positions `hw`. */
interface Layer {
  readonly name: string;
  readonly in: number;
  readonly out: number;
  readonly k: number;
  readonly hw: number;
  /** Whether channel pruning removes this layer's outputs (the classifier's outputs are kept). */
  readonly prunable: boolean;
}

/**
 * The shapes of the zoo's fashion-cnn (workers/src/zoo/architectures.ts; batch norm folded):
 * conv3×3(1→32) relu pool · conv3×3(32→64) relu pool · fc(3136→128) relu · fc(128→10) —
 * 421,642 parameters, 4.24 M MACs.
 */
export const FASHION_CNN: readonly Layer[] = [
  { name: 'conv1', in: 1, out: 32, k: 9, hw: 28 * 28, prunable: true },
  { name: 'conv2', in: 32, out: 64, k: 9, hw: 14 * 14, prunable: true },
  { name: 'fc1', in: 64 * 7 * 7, out: 128, k: 1, hw: 1, prunable: true },
  { name: 'fc2', in: 128, out: 10, k: 1, hw: 1, prunable: false },
];

/** Validation accuracy of the uncompressed model; two-block CNNs reach 0.91–0.93 on Fashion-MNIST (Xiao, Rasul, Vollgraf 2017, benchmark table). */
export const BASELINE_ACCURACY = 0.915;
const CHANCE = 0.1;
/** Validation images: the binomial standard error of an accuracy is sqrt(a(1 − a) / n). */
const VAL_IMAGES = 5000;
/** Run-to-run spread of a fine-tuned model's accuracy (chosen; seeds typically move small CNNs by ~0.3 %). */
const FINE_TUNE_NOISE = 0.003;

// --- device: STM32H743, Cortex-M7 at 480 MHz (ST datasheet DS12110) -------------------------------
const CLOCK_HZ = 480e6;
/**
 * Effective int8 MAC cost with CMSIS-NN kernels: 25 % of the SMLAD peak of two MACs a cycle
 * (Lorenser 2016, "The DSP capabilities of ARM Cortex-M4 and Cortex-M7 processors"; the peak the
 * device catalogue uses), the rest going to loads, im2col and requantization (chosen).
 */
const INT8_CYCLES_PER_MAC = 2.0;
/** float32 costs 4.6× int8: the runtime ratio Lai, Suda, Chandra 2018 ("CMSIS-NN", §5) measured on a Cortex-M7. */
const FLOAT_CYCLES_PER_MAC = 4.6 * INT8_CYCLES_PER_MAC;
/** Extra cycles per MAC to unpack sub-byte weights or dequantize weights for float kernels (chosen). */
const UNPACK_CYCLES_PER_MAC = 0.3;
const DEQUANT_CYCLES_PER_MAC = 0.6;
/** Fixed cost per layer call: ~1,000 cycles, the device catalogue's assumption for the STM32H7. */
const LAYER_OVERHEAD_CYCLES = 1000;
/** Tensor-arena and runtime bookkeeping in RAM, and the graph's own bytes in the ONNX file (chosen). */
const RAM_OVERHEAD_BYTES = 2048;
const ONNX_OVERHEAD_BYTES = 2048;

interface Shape {
  readonly out: number;
  readonly in: number;
  /** Kept rank when factorised (W ≈ U·V), else undefined. */
  readonly rank: number | undefined;
}

/** Layer shapes after channel pruning and low-rank factorisation. */
function shapes(recipe: Recipe): Shape[] {
  const keep = recipe.prune?.structure === 'channel' ? 1 - recipe.prune.ratio : 1;
  let inChannels = FASHION_CNN[0]!.in;
  return FASHION_CNN.map((layer, i) => {
    const out = layer.prunable ? Math.max(1, Math.round(layer.out * keep)) : layer.out;
    // fc1 reads conv2's 7×7 maps: its input shrinks with conv2's channels.
    const inFeatures = i === 2 ? inChannels * 49 : inChannels;
    inChannels = out;
    let rank: number | undefined;
    if (recipe.lowRank) {
      const q = Math.min(Math.max(1, Math.round(recipe.lowRank.rankRatio * Math.min(layer.out, layer.in * layer.k))), out, inFeatures * layer.k);
      // Factorise only where it saves weights, as a kernel would.
      if (q * (inFeatures * layer.k + out) < out * inFeatures * layer.k) rank = q;
    }
    return { out, in: inFeatures, rank };
  });
}

/** Fraction of the model's capacity a recipe keeps (weights kept / original weights, nonzeros for unstructured pruning). */
function keptCapacity(recipe: Recipe, s: readonly Shape[]): number {
  let kept = 0;
  let original = 0;
  FASHION_CNN.forEach((layer, i) => {
    const sh = s[i]!;
    kept += sh.rank === undefined ? sh.out * sh.in * layer.k : sh.rank * (sh.in * layer.k + sh.out);
    original += layer.out * layer.in * layer.k;
  });
  const density = recipe.prune?.structure === 'unstructured' ? 1 - recipe.prune.ratio : 1;
  return (kept * density) / original;
}

function logistic(x: number, mid: number, width: number): number {
  return 1 / (1 + Math.exp(-(x - mid) / width));
}

/**
 * Expected accuracy (before noise). Each technique does damage D ∈ [0, 1] to the accuracy above
 * chance; accuracy = chance + (baseline − chance) · Π(1 − D). Distillation (applied after low rank
 * and pruning, before quantization) repairs a share of their damage.
 */
export function expectedAccuracy(recipe: Recipe): number {
  const s = shapes(recipe);
  // Low rank: damage grows with the discarded rank, convexly (Denton et al. 2014, "Exploiting
  // linear structure within CNNs": error rises slowly, then fast, as rank falls). 0.6·(1 − r)^2.5 (chosen).
  const dLowRank = recipe.lowRank ? 0.6 * (1 - recipe.lowRank.rankRatio) ** 2.5 : 0;
  // Pruning without retraining: flat, then a cliff (Han, Pool, Tran, Dally 2015, Fig. 5; Blalock et
  // al. 2020). Unstructured holds longer than channel pruning (Li et al. 2017, "Pruning filters for
  // efficient ConvNets", Fig. 2). Logistic knees at 0.88 and 0.6 (chosen).
  const p = recipe.prune;
  const dPrune = !p ? 0 : p.structure === 'unstructured' ? logistic(p.ratio, 0.88, 0.04) : logistic(p.ratio, 0.6, 0.1);
  // Removing rank and channels together compounds (chosen: half the product again).
  const dStructure = 0.5 * dLowRank * dPrune;
  // Distillation repairs up to 95 % of that damage, saturating with epochs (time constant one
  // epoch), best near T = 4 and alpha = 0.7, less when only the last layers train (chosen shape).
  let repair = 0;
  const d = recipe.distill;
  if (d) {
    const fT = Math.exp(-0.5 * Math.log(d.temperature / 4) ** 2);
    const fAlpha = 1 - (d.alpha - 0.7) ** 2;
    const fLayers = d.layers === 'all' ? 1 : Math.sqrt(Math.min(1, d.layers / FASHION_CNN.length));
    repair = 0.95 * (1 - Math.exp(-d.epochs)) * fT * fAlpha * fLayers;
  }
  const kept = (1 - dLowRank * (1 - repair)) * (1 - dPrune * (1 - repair)) * (1 - dStructure * (1 - repair));
  // Post-training quantization: noise power ∝ 4^−bits (each bit halves the step); damage
  // 1 − exp(−κ·4^(2 − bits)), κ = 0.8 per channel, 3× per tensor, 0.8× asymmetric — so per-channel
  // 8 bit costs ~0.02 %, 4 bit ~5 %, 2 bit ~55 % of the margin, the ordering Krishnamoorthi 2018
  // ("Quantizing deep convolutional networks for efficient inference", Tables 2–3) and Nagel et al.
  // 2021 ("A white paper on neural network quantization", §3) report. Pruned or factorised weights
  // have less redundancy to absorb the noise (chosen: κ × (1 + 0.5 · removed capacity)).
  let dQuant = 0;
  const q = recipe.quant;
  if (q) {
    const kappa = 0.8 * (q.granularity === 'per-tensor' ? 3 : 1) * (q.symmetric ? 1 : 0.8) * (1 + 0.5 * (1 - keptCapacity(recipe, s)));
    const dWeights = q.weightBits >= 16 ? 0 : 1 - Math.exp(-kappa * 4 ** (2 - q.weightBits));
    // Static int8 activations cost ~0.5 % of the margin when calibrated (Krishnamoorthi 2018, Table 3).
    const dActivations = q.activationBits === 8 ? 0.005 : 0;
    dQuant = 1 - (1 - dWeights) * (1 - dActivations);
  }
  return CHANCE + (BASELINE_ACCURACY - CHANCE) * kept * (1 - dQuant);
}

/** Stored bytes of `count` weights at `bits` in an ONNX file: int4 packs two per byte, 5–8 bits take a byte. */
function onnxWeightBytes(count: number, bits: number): number {
  return bits >= 16 ? (count * bits) / 8 : bits <= 4 ? Math.ceil(count / 2) : count;
}

/** Cost metrics, exact from the layer shapes plus the device's cycle model. */
export function costMetrics(recipe: Recipe): Required<Omit<TrialMetrics, 'accuracy'>> {
  const s = shapes(recipe);
  const q = recipe.quant;
  const weightBits = q?.weightBits ?? 32;
  const actBytes = q?.activationBits === 8 ? 1 : 4;
  const density = recipe.prune?.structure === 'unstructured' ? 1 - recipe.prune.ratio : 1;
  let params = 0;
  let macs = 0;
  let calls = 0;
  let modelBytes = ONNX_OVERHEAD_BYTES;
  let deployBytes = 0;
  let peak = 0;
  FASHION_CNN.forEach((layer, i) => {
    const sh = s[i]!;
    const weights = sh.rank === undefined ? sh.out * sh.in * layer.k : sh.rank * (sh.in * layer.k + sh.out);
    params += weights + sh.out;
    macs += layer.hw * weights;
    calls += sh.rank === undefined ? 1 : 2;
    // Scales (float32) and zero points (one byte) per output channel or per tensor.
    const scaleBytes = !q ? 0 : (q.granularity === 'per-channel' ? sh.out + (sh.rank ?? 0) : sh.rank === undefined ? 1 : 2) * 5;
    modelBytes += onnxWeightBytes(weights, weightBits) + 4 * sh.out + scaleBytes;
    // On the device weights are packed at their bit width; a sparse layer stores a bitmap and its
    // nonzeros when that is smaller.
    const dense = (weights * weightBits) / 8;
    const sparse = weights / 8 + (weights * density * weightBits) / 8;
    deployBytes += Math.ceil(Math.min(dense, sparse)) + 4 * sh.out + scaleBytes;
    // Live activations: a layer's input and output (and the factorised layer's middle) at once.
    const inputElems = i === 0 ? 784 : i === 1 ? s[0]!.out * 196 : sh.in;
    const outputElems = sh.out * layer.hw;
    const middle = sh.rank === undefined ? 0 : sh.rank * layer.hw;
    peak = Math.max(peak, (inputElems + outputElems) * actBytes, (inputElems + middle) * actBytes, (middle + outputElems) * actBytes);
    // Max pooling after each conv: its input (the conv output) and a quarter-size output.
    if (i < 2) peak = Math.max(peak, outputElems * 1.25 * actBytes);
  });
  const cyclesPerMac =
    q && q.activationBits === 8
      ? INT8_CYCLES_PER_MAC + (weightBits < 8 ? UNPACK_CYCLES_PER_MAC : 0)
      : FLOAT_CYCLES_PER_MAC + (weightBits < 32 ? DEQUANT_CYCLES_PER_MAC : 0);
  const latencyMs = ((macs * cyclesPerMac + calls * LAYER_OVERHEAD_CYCLES) / CLOCK_HZ) * 1000;
  return { latencyMs, peakRamBytes: peak + RAM_OVERHEAD_BYTES, modelBytes, deployBytes, params, macs };
}

/** Metrics of a recipe with seeded noise: binomial evaluation noise, plus run-to-run spread when fine-tuned. */
export function syntheticMetrics(recipe: Recipe, rng: Rng): Required<TrialMetrics> {
  const mean = expectedAccuracy(recipe);
  const noise = Math.sqrt((mean * (1 - mean)) / VAL_IMAGES) * rng.normal() + (recipe.distill ? FINE_TUNE_NOISE * rng.normal() : 0);
  const accuracy = Math.round(VAL_IMAGES * Math.min(1, Math.max(0, mean + noise))) / VAL_IMAGES;
  return { accuracy, ...costMetrics(recipe) };
}
