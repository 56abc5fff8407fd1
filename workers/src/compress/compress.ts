import type { Dataset } from '../data/dataset.js';
import { WorkersError } from '../errors.js';
import type { Model } from '../onnx/model.js';
import { writeModel } from '../onnx/write-model.js';
import type { TrainingProgress } from '../train/fit.js';
import { distill } from './distill.js';
import { constantsToInitializers, nameNodes } from './graph/edit.js';
import { lowRankSvd } from './low-rank-svd.js';
import { modelFigures, type ModelFigures } from './model-figures.js';
import { pruneChannels } from './prune-channels.js';
import { pruneMagnitude } from './prune-magnitude.js';
import { quantizeStatic } from './quantize-static.js';
import { quantizeWeights } from './quantize-weights.js';
import { parseRecipe, type DistillRecipe, type QuantRecipe, type Recipe } from './recipe.js';

/** Images and settings the data-driven stages need. */
export interface CompressData {
  /**
   * Images for distillation and calibration: the `fit` split (train minus val), never `val` or
   * `test`. Needed by recipes with `distill` or `quant.activationBits` 8.
   */
  readonly fit?: Dataset;
  /** Seeds distillation's image order. Default 0. */
  readonly seed?: number;
  /** Calibration images for static quantization. Default 1000. */
  readonly calibrationCount?: number;
  readonly onDistillProgress?: (p: TrainingProgress) => void;
}

/** What one stage did, in words and in figures. */
export interface StageReport {
  readonly stage: 'lowRank' | 'prune' | 'distill' | 'quant';
  /** One line for people: what changed. */
  readonly summary: string;
  readonly seconds: number;
  /** Figures of the model after this stage. */
  readonly after: ModelFigures;
  /** The stage's own record (factorized layers, pruned groups, training history, quantized tensors …). */
  readonly details: Readonly<Record<string, unknown>>;
}

export interface CompressReport {
  readonly recipe: Recipe;
  readonly before: ModelFigures;
  readonly after: ModelFigures;
  readonly stages: readonly StageReport[];
}

export interface CompressResult {
  readonly model: Model;
  /** The compressed model's ONNX bytes (what `after.fileBytes` measures). */
  readonly bytes: Uint8Array;
  readonly report: CompressReport;
}

interface Stage {
  readonly model: Model;
  readonly summary: string;
  readonly details: Record<string, unknown>;
  readonly masks?: ReadonlyMap<string, Uint8Array>;
}

/**
 * Compresses a model by a recipe — low-rank → prune → distill → quant, each stage left out when
 * the recipe leaves it out — and reports the figures before, after each stage and at the end.
 * The recipe is validated first (`BAD_RECIPE`); the model's operators are checked on the way in
 * (`UNSUPPORTED_OP` names any it cannot handle). Distillation uses the input model as teacher and
 * keeps the zeros of unstructured pruning.
 */
export async function compress(model: Model, recipe: Recipe, data: CompressData = {}): Promise<CompressResult> {
  const valid = parseRecipe(recipe);
  const teacher = constantsToInitializers(nameNodes(model));
  const before = modelFigures(teacher);
  const stages: StageReport[] = [];
  let current = teacher;
  let masks: ReadonlyMap<string, Uint8Array> | undefined;
  const run = async (stage: StageReport['stage'], apply: () => Stage | Promise<Stage>) => {
    const started = performance.now();
    const result = await apply();
    current = result.model;
    masks = result.masks ?? masks;
    stages.push({ stage, summary: result.summary, details: result.details, seconds: (performance.now() - started) / 1000, after: modelFigures(current) });
  };
  if (valid.lowRank) {
    const rankRatio = valid.lowRank.rankRatio;
    await run('lowRank', () => {
      const r = lowRankSvd(current, { rankRatio });
      return { model: r.model, summary: `factorized ${r.factorized.length} layer(s) at rank ratio ${rankRatio}`, details: { factorized: r.factorized, skipped: r.skipped } };
    });
  }
  if (valid.prune) {
    const p = valid.prune;
    await run('prune', () => (p.structure === 'channel' ? channelStage(current, p.ratio, p.criterion ?? 'l1') : unstructuredStage(current, p.ratio, p.scope ?? 'global')));
  }
  if (valid.distill) {
    const recipeDistill = valid.distill;
    await run('distill', () => distillStage({ student: current, teacher, recipe: recipeDistill, data, masks }));
  }
  if (valid.quant) {
    const q = valid.quant;
    await run('quant', () => quantStage(current, q, data));
  }
  const bytes = writeModel(current);
  return { model: current, bytes, report: { recipe: valid, before, after: stages.at(-1)?.after ?? before, stages } };
}

function unstructuredStage(model: Model, ratio: number, scope: 'global' | 'layer'): Stage {
  const r = pruneMagnitude(model, { ratio, scope });
  return {
    model: r.model,
    masks: r.masks,
    summary: `set ${(r.sparsity * 100).toFixed(1)}% of ${r.tensors.length} weight tensors to zero (${scope} magnitude)`,
    details: { sparsity: r.sparsity, tensors: r.tensors },
  };
}

function channelStage(model: Model, ratio: number, criterion: 'l1' | 'l2'): Stage {
  const r = pruneChannels(model, { ratio, criterion });
  const removed = r.groups.reduce((s, g) => s + g.removed.length, 0);
  const total = r.groups.reduce((s, g) => s + g.channels, 0);
  return {
    model: r.model,
    summary: `removed ${removed} of ${total} channels in ${r.groups.length} group(s) by ${criterion.toUpperCase()} filter norm; ${r.blocked.length} left unpruned`,
    details: {
      groups: r.groups.map((g) => ({ producers: g.producers, channels: g.channels, kept: g.kept.length, removed: [...g.removed] })),
      blocked: r.blocked,
    },
  };
}

async function distillStage(o: { student: Model; teacher: Model; recipe: DistillRecipe; data: CompressData; masks: ReadonlyMap<string, Uint8Array> | undefined }): Promise<Stage> {
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
    details: { epochs: r.epochs, images: r.images, history: r.history, trained: r.trained, seconds: r.seconds, maskedTensors: o.masks?.size ?? 0 },
  };
}

async function quantStage(model: Model, q: QuantRecipe, data: CompressData): Promise<Stage> {
  const kind = `${q.granularity} ${q.symmetric ? 'symmetric' : 'asymmetric'}`;
  if (q.activationBits === 32) {
    const r = quantizeWeights(model, { bits: q.weightBits, granularity: q.granularity, symmetric: q.symmetric });
    const storage = [...new Set(r.tensors.map((t) => t.storage))].join('/') || 'float32';
    return { model: r.model, summary: `quantized ${r.tensors.length} weight tensors to ${q.weightBits} bits (${kind}, ${storage})`, details: { tensors: r.tensors } };
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
    details: { integerNodes: r.integerNodes, activations: r.activations, calibration: r.calibration, foldedBatchNorms: r.foldedBatchNorms },
  };
}
