import { WorkersError } from '../errors.js';
import type { Model } from '../onnx/model.js';
import { inferShapes } from '../onnx/shape-inference.js';
import type { Dataset } from '../data/dataset.js';
import type { EpochSummary, TrainingProgress } from '../train/fit.js';
import { distill } from './distill.js';
import { lowRankSvd, type LowRankLayer } from './low-rank-svd.js';
import { pruneChannels } from './prune-channels.js';
import { pruneMagnitude, type PrunedTensor } from './prune-magnitude.js';
import { quantizeStatic } from './quantize-static.js';
import { quantizeWeights, roundedWeights, type QuantizedWeight } from './quantize-weights.js';
import type { DistillRecipe, QuantRecipe } from '../recipe/recipe.js';
import { correctBiases } from './repair-bias.js';
import type { ChannelCriterion, PlannedStage, PruneRepair, UnstructuredCriterion } from './stage-plan.js';
import { DEFAULT_CALIBRATION_COUNT } from './calibrate.js';
import { channelContributions } from './channel-contributions.js';
import { fitLayers, type FittedLayer } from './fit-layers.js';
import { DEFAULT_SENSITIVITY_COUNT, sensitivityAllocation, type SensitivityAllocation } from './prune-sensitivity.js';

/** Images and settings the data-driven stages need. */
export interface CompressData {
  /**
   * Images for distillation and calibration: the `fit` split (train minus val), never `val` or
   * `test`. Needed by recipes with `distill` or `quant.activationBits` 8.
   */
  readonly fit?: Dataset;
  /** Seeds distillation's image order. Default 0. */
  readonly seed?: number;
  /**
   * Calibration images for static quantization, repair, channel contributions and GPTQ rounding.
   * Default 1000. Per-layer sensitivity, which runs them once per tensor and ratio, takes at most 256 of them.
   */
  readonly calibrationCount?: number;
  readonly onDistillProgress?: (p: TrainingProgress) => void;
}

/** The record a stage keeps of what it did, by kind. */
export type StageDetails =
  | {
      readonly kind: 'lowRank';
      readonly factorized: readonly LowRankLayer[];
      readonly skipped: readonly { readonly node: string; readonly reason: string }[];
    }
  | {
      readonly kind: 'pruneUnstructured';
      readonly sparsity: number;
      readonly tensors: readonly PrunedTensor[];
      /** Criterion 'sensitivity': each tensor's measured damage curve and the zeros it was given (see `sensitivityAllocation`). */
      readonly sensitivity?: SensitivityDetails;
      readonly repair?: RepairDetails;
    }
  | {
      readonly kind: 'pruneChannel';
      readonly groups: readonly { readonly producers: readonly string[]; readonly depthwise: readonly string[]; readonly channels: number; readonly kept: number; readonly removed: readonly number[] }[];
      readonly blocked: readonly { readonly producers: readonly string[]; readonly reason: string }[];
      readonly repair?: RepairDetails;
    }
  | {
      readonly kind: 'distill';
      readonly epochs: number;
      readonly images: number;
      readonly history: readonly EpochSummary[];
      readonly trained: readonly string[];
      /** Weight tensors whose pruned zeros were held during fine-tuning. */
      readonly maskedTensors: number;
    }
  | { readonly kind: 'quantWeights'; readonly tensors: readonly QuantizedWeight[] }
  | {
      readonly kind: 'quantStatic';
      readonly integerNodes: readonly string[];
      readonly activations: number;
      readonly calibration: { readonly images: number; readonly method: 'min-max' };
      readonly foldedBatchNorms: readonly string[];
    };

/** What the sensitivity measurement found: curves, the split kept, and the damage (mean KL divergence) of both splits. */
export interface SensitivityDetails extends SensitivityAllocation {
  readonly images: number;
}

/** What the repair after pruning did (absent when the recipe asks for none). */
export interface RepairDetails {
  readonly method: Exclude<PruneRepair, 'none'>;
  readonly images: number;
  /** 'bias' and 'affine': each layer's mean shift and scale. */
  readonly corrected: readonly { readonly node: string; readonly meanAbsShift: number; readonly meanScale: number }[];
  /** 'reconstruct': each layer's relative output error before and after its fit. */
  readonly fitted?: readonly FittedLayer[];
  readonly skipped: readonly { readonly node: string; readonly reason: string }[];
}

/** A stage's output: the model, a line for people, its record, and masks for distillation. */
export interface Stage {
  readonly model: Model;
  readonly summary: string;
  readonly details: StageDetails;
  readonly masks?: ReadonlyMap<string, Uint8Array>;
}

/**
 * Where a stage runs. `compress`: the real thing. `estimate`: the structure only, for the
 * pre-screen — low-rank factors of the right shapes without the SVD, no fine-tuning (distillation
 * changes no shape), static quantization calibrated on one blank image (ranges change no size).
 */
export type StageMode = 'compress' | 'estimate';

/** What a stage runs on: the model so far, the original (distillation's teacher) and the data. */
export interface StageInput {
  readonly model: Model;
  readonly teacher: Model;
  readonly masks: ReadonlyMap<string, Uint8Array> | undefined;
  readonly data: CompressData;
  readonly mode: StageMode;
}

/** Runs one planned stage: the one place that maps a stage of a recipe to its kernel. */
export async function applyStage(step: PlannedStage, input: StageInput): Promise<Stage> {
  const { model, mode } = input;
  switch (step.kind) {
    case 'lowRank':
      return lowRankStage(model, step.rankRatio, mode);
    case 'pruneUnstructured':
      return repairStage(await unstructuredStage(model, { ratio: step.ratio, scope: step.scope, criterion: step.criterion, input }), { original: model, repair: step.repair, input });
    case 'pruneChannel':
      return repairStage(await channelStage(model, step.ratio, step.criterion, input), { original: model, repair: step.repair, input });
    case 'distill':
      if (mode === 'estimate') return { model, summary: 'not fine-tuned (estimate)', details: { kind: 'distill', epochs: 0, images: 0, history: [], trained: [], maskedTensors: 0 } };
      return distillStage({ student: model, teacher: input.teacher, recipe: step.recipe, data: input.data, masks: input.masks });
    case 'quant':
      return quantStage(model, step.recipe, mode === 'estimate' ? { fit: blankImage(model), calibrationCount: 1 } : input.data, mode);
  }
}

/** Truncated-SVD factorization of every layer where it saves parameters. */
export function lowRankStage(model: Model, rankRatio: number, mode: StageMode = 'compress'): Stage {
  const r = lowRankSvd(model, { rankRatio, ...(mode === 'estimate' ? { factors: 'structure' as const } : {}) });
  return {
    model: r.model,
    summary: `factorized ${r.factorized.length} layer(s) at rank ratio ${rankRatio}; ${r.skipped.length} left as they were`,
    details: { kind: 'lowRank', factorized: r.factorized, skipped: r.skipped },
  };
}

/**
 * Magnitude pruning to an exact sparsity; its masks go on to distillation. Criterion 'sensitivity'
 * measures each layer's damage curve on the fit images and prunes each layer to the share
 * `sensitivityAllocation` gives it. The pre-screen estimate prunes by global magnitude instead: the
 * same tensors, shapes and total of zeros (so params, MACs and nonzero params), but per-tensor
 * sparsities, and so bitmap-or-dense deploy sizes, that the measurement would have chosen otherwise.
 */
export async function unstructuredStage(
  model: Model,
  o: { ratio: number; scope: 'global' | 'layer'; criterion: UnstructuredCriterion; input?: Pick<StageInput, 'data' | 'mode'> },
): Promise<Stage> {
  const { ratio, scope, criterion } = o;
  if (criterion === 'sensitivity' && ratio > 0 && o.input?.mode !== 'estimate') {
    const data = o.input?.data;
    const images = calibrationImages(data, `prune.criterion 'sensitivity'`, `or rank by 'lamp'`);
    const count = Math.min(images.count, DEFAULT_SENSITIVITY_COUNT, data?.calibrationCount ?? DEFAULT_SENSITIVITY_COUNT);
    const measured = await sensitivityAllocation(model, { ratio, data: images, count });
    const r = pruneMagnitude(model, { ratio, zeros: new Map(measured.tensors.map((t) => [t.weight, t.chosen])) });
    const shares = r.tensors.map((t) => `${t.weight} ${((t.zeros / t.params) * 100).toFixed(1)}%`).join(', ');
    return {
      model: r.model,
      masks: r.masks,
      summary:
        `set ${(r.sparsity * 100).toFixed(1)}% of ${r.tensors.length} weight tensors to zero, per tensor ` +
        `${measured.kept === 'measured' ? 'by sensitivity measured' : "as LAMP splits it (it measured less damage than the sensitivity split)"} over ${count} images (${shares})`,
      details: { kind: 'pruneUnstructured', sparsity: r.sparsity, tensors: r.tensors, sensitivity: { images: count, ...measured } },
    };
  }
  const ranking = criterion === 'lamp' ? 'lamp' : 'magnitude';
  const r = pruneMagnitude(model, { ratio, scope: criterion === 'sensitivity' ? 'global' : scope, criterion: ranking });
  const by = criterion === 'sensitivity' ? 'global magnitude in place of measured sensitivity (estimate)' : `${scope} ${scope === 'global' && ranking === 'lamp' ? 'LAMP score' : 'magnitude'}`;
  return {
    model: r.model,
    masks: r.masks,
    summary: `set ${(r.sparsity * 100).toFixed(1)}% of ${r.tensors.length} weight tensors to zero (${by})`,
    details: { kind: 'pruneUnstructured', sparsity: r.sparsity, tensors: r.tensors },
  };
}

/**
 * Structured pruning that removes channels from every prunable group, ranked by filter norm or by
 * their measured contribution to the next layers (on the fit images; the estimate ranks by L1 norm,
 * which removes as many channels).
 */
export async function channelStage(model: Model, ratio: number, criterion: ChannelCriterion, input?: Pick<StageInput, 'data' | 'mode'>): Promise<Stage> {
  let scores: (Float64Array | undefined)[] | undefined;
  if (criterion === 'contribution' && input?.mode !== 'estimate') {
    const images = calibrationImages(input?.data, `prune.criterion 'contribution'`, `or rank by 'l1'`);
    scores = await channelContributions(model, { data: images, count: Math.min(images.count, input?.data.calibrationCount ?? DEFAULT_CALIBRATION_COUNT) });
  }
  const r = pruneChannels(model, { ratio, ...(criterion === 'contribution' ? { criterion: 'l1', ...(scores ? { scores } : {}) } : { criterion }) });
  const removed = r.groups.reduce((s, g) => s + g.removed.length, 0);
  const total = r.groups.reduce((s, g) => s + g.channels, 0);
  const by = criterion === 'contribution' ? 'measured contribution to the next layers' : `${criterion.toUpperCase()} filter norm`;
  return {
    model: r.model,
    summary: `removed ${removed} of ${total} channels in ${r.groups.length} group(s) by ${by}; ${r.blocked.length} left unpruned`,
    details: {
      kind: 'pruneChannel',
      groups: r.groups.map((g) => ({ producers: g.producers, depthwise: g.depthwise, channels: g.channels, kept: g.kept.length, removed: [...g.removed] })),
      blocked: r.blocked,
    },
  };
}

/**
 * Repair without training after a pruning stage (see `correctBiases`), calibrated on the fit
 * images: 'bias' restores per-channel output means, 'affine' means and standard deviations. The
 * pre-screen estimate runs it on one blank image, which gives the same structure (a bias on every
 * layer).
 */
export async function repairStage(pruned: Stage, o: { original: Model; repair: PruneRepair; input: StageInput }): Promise<Stage> {
  if (o.repair === 'none') return pruned;
  const { data, mode } = o.input;
  const images = mode === 'estimate' ? blankImage(o.original) : calibrationImages(data, `prune.repair '${o.repair}'`, `or set prune.repair 'none'`);
  const count = Math.min(images.count, data.calibrationCount ?? DEFAULT_CALIBRATION_COUNT);
  if (o.repair === 'reconstruct') {
    const kept = keptOutputs(pruned.details);
    const fitted = await fitLayers(pruned.model, { original: o.original, data: images, count, keptOutputs: kept, ...(mode === 'estimate' ? { structureOnly: true } : {}) });
    // Then each channel's mean and deviation as 'affine' restores them: the fit minimizes squared
    // error over all outputs at once and, at high sparsity, leaves channels shrunk towards zero
    // (measured in the kernels bench: residual CNN at 90 % LAMP 17.7 % test accuracy fitted alone,
    // 45.2 % fitted then renormalized; channel pruning gains 0.1–0.6 points).
    const r = await correctBiases(fitted.model, { original: o.original, data: images, count, keptOutputs: kept, match: 'affine' });
    const error = fitted.fitted.reduce((s, l) => s + l.errorAfter, 0) / Math.max(1, fitted.fitted.length);
    return {
      ...pruned,
      model: r.model,
      summary: `${pruned.summary}; ${fitted.fitted.length} layer(s) refitted to the unpruned outputs over ${count} images (mean relative output error ${error.toFixed(4)}), output means and deviations restored`,
      details: { ...pruned.details, repair: { method: 'reconstruct', images: count, corrected: r.corrected, fitted: fitted.fitted, skipped: [...fitted.skipped, ...r.skipped] } } as StageDetails,
    };
  }
  const r = await correctBiases(pruned.model, {
    original: o.original,
    data: images,
    count,
    keptOutputs: keptOutputs(pruned.details),
    match: o.repair,
  });
  const details = { method: o.repair, images: count, corrected: r.corrected, skipped: r.skipped };
  return {
    ...pruned,
    model: r.model,
    summary: `${pruned.summary}; ${o.repair === 'bias' ? 'output means' : 'output means and deviations'} of ${r.corrected.length} layer(s) restored over ${count} images`,
    details: { ...pruned.details, repair: details } as StageDetails,
  };
}

/** For channel pruning: every layer whose output channels were cut, with the channels kept. */
function keptOutputs(details: StageDetails): Map<string, Int32Array> {
  const kept = new Map<string, Int32Array>();
  if (details.kind !== 'pruneChannel') return kept;
  for (const g of details.groups) {
    const removed = new Set(g.removed);
    const channels = Int32Array.from({ length: g.channels }, (_, c) => c).filter((c) => !removed.has(c));
    for (const node of [...g.producers, ...g.depthwise]) kept.set(node, channels);
  }
  return kept;
}

/** Fine-tuning against the original model on the `fit` images, pruned weights held at zero. */
export async function distillStage(o: { student: Model; teacher: Model; recipe: DistillRecipe; data: CompressData; masks: ReadonlyMap<string, Uint8Array> | undefined }): Promise<Stage> {
  const images = o.data.fit;
  if (!images) throw new WorkersError('BAD_ARGUMENT', 'the recipe distills, which needs fine-tuning images: pass data.fit (the fit split)');
  const r = await distill({
    student: o.student,
    teacher: o.teacher,
    recipe: o.recipe,
    data: images,
    seed: o.data.seed ?? 0,
    ...(o.masks ? { masks: o.masks } : {}),
    ...(o.data.onDistillProgress ? { onProgress: o.data.onDistillProgress } : {}),
  });
  const last = r.history.at(-1);
  return {
    model: r.model,
    summary: `distilled ${r.epochs} epoch(s) over ${r.images} images at T=${o.recipe.temperature}, α=${o.recipe.alpha}` +
      `${last ? `; final training loss ${last.loss.toFixed(3)}, accuracy ${(last.accuracy * 100).toFixed(1)}%` : ''}`,
    details: { kind: 'distill', epochs: r.epochs, images: r.images, history: r.history, trained: r.trained, maskedTensors: o.masks?.size ?? 0 },
  };
}

/**
 * Weight-only quantization (codes rounded to nearest, or chosen by `roundedWeights` on the fit
 * images), or static int8 (activations too) calibrated on the `fit` images.
 */
export async function quantStage(model: Model, q: QuantRecipe, data: CompressData, mode: StageMode = 'compress'): Promise<Stage> {
  const gptq = q.rounding === 'gptq' && q.activationBits === 32 && q.weightBits <= 8;
  const kind = `${q.granularity} ${q.symmetric ? 'symmetric' : 'asymmetric'}${q.clip === 'mse' ? ', ranges clipped by least squared error' : ''}${gptq ? ', rounded by GPTQ on calibration images' : ''}`;
  if (q.activationBits === 32) {
    const options = { bits: q.weightBits, granularity: q.granularity, symmetric: q.symmetric, ...(q.clip ? { clip: q.clip } : {}) };
    if (gptq) {
      const images = calibrationImages(data, `quant.rounding 'gptq'`, `or round to 'nearest'`);
      const count = Math.min(images.count, data.calibrationCount ?? DEFAULT_CALIBRATION_COUNT);
      const rounded = await roundedWeights(model, { ...options, data: images, count, ...(mode === 'estimate' ? { structureOnly: true } : {}) });
      const r = quantizeWeights(rounded.model, { ...options, codes: rounded.codes });
      const storage = [...new Set(r.tensors.map((t) => t.storage))].join('/') || 'float32';
      return { model: r.model, summary: `quantized ${r.tensors.length} weight tensors to ${q.weightBits} bits (${kind}, ${storage}) over ${count} images`, details: { kind: 'quantWeights', tensors: r.tensors } };
    }
    const r = quantizeWeights(model, options);
    const storage = [...new Set(r.tensors.map((t) => t.storage))].join('/') || 'float32';
    return { model: r.model, summary: `quantized ${r.tensors.length} weight tensors to ${q.weightBits} bits (${kind}, ${storage})`, details: { kind: 'quantWeights', tensors: r.tensors } };
  }
  const images = data.fit;
  if (!images) throw new WorkersError('BAD_ARGUMENT', 'the recipe quantizes activations, which needs calibration images: pass data.fit (the fit split)');
  const r = await quantizeStatic(model, {
    weightBits: q.weightBits,
    granularity: q.granularity,
    symmetric: q.symmetric,
    calibration: images,
    ...(data.calibrationCount ? { calibrationCount: data.calibrationCount } : {}),
  });
  return {
    model: r.model,
    summary: `static int8: ${r.integerNodes.length} integer nodes, ${r.activations} uint8 activations (${r.calibration.method} over ${r.calibration.images} images), ${q.weightBits}-bit ${kind} weights`,
    details: { kind: 'quantStatic', integerNodes: r.integerNodes, activations: r.activations, calibration: r.calibration, foldedBatchNorms: r.foldedBatchNorms },
  };
}

/** The fit images a data-driven step needs, or a clear error naming the step and its data-free alternative. */
function calibrationImages(data: CompressData | undefined, step: string, alternative: string): Dataset {
  if (!data?.fit) throw new WorkersError('BAD_ARGUMENT', `${step} needs calibration images: pass data.fit (the fit split), ${alternative}`);
  return data.fit;
}

/** One all-zero image of the model's input shape: enough for static quantization to place its nodes. */
function blankImage(model: Model): Dataset {
  const input = model.graph.inputs.find((i) => !model.graph.initializers.some((t) => t.name === i.name))!;
  const dims = inferShapes(model, { batch: 1 }).values.get(input.name)!.dims;
  const [c, h, w] = [dims[1] ?? 1, dims[2] ?? 1, dims[3] ?? 1];
  return { name: 'blank', shape: [c, h, w], classes: 1, count: 1, pixels: new Uint8Array(c * h * w), pixelScale: 1 / 255, labels: Uint8Array.of(0) };
}
