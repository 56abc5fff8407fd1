import type { Model } from '../onnx/model.js';
import { writeModel } from '../onnx/write-model.js';
import { applyStage, type CompressData, type StageDetails } from './compress-stages.js';
import { constantsToInitializers, nameNodes } from './graph/edit.js';
import { modelFigures, type ModelFigures } from './model-figures.js';
import { parseRecipe } from '../recipe/parse-recipe.js';
import type { Recipe } from '../recipe/recipe.js';
import { stagePlan, type PlannedStage } from './stage-plan.js';

export type { CompressData, StageDetails } from './compress-stages.js';

/** What one stage did, in words and in figures. */
export interface StageReport {
  readonly stage: PlannedStage['stage'];
  /** One line for people: what changed. */
  readonly summary: string;
  readonly seconds: number;
  /** Figures of the model after this stage. */
  readonly after: ModelFigures;
  /** The stage's own record (factorized layers, pruned groups, training history, quantized tensors …). */
  readonly details: StageDetails;
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
  for (const step of stagePlan(valid)) {
    const started = performance.now();
    const result = await applyStage(step, { model: current, teacher, masks, data, mode: 'compress' });
    current = result.model;
    masks = result.masks ?? masks;
    stages.push({ stage: step.stage, summary: result.summary, details: result.details, seconds: (performance.now() - started) / 1000, after: modelFigures(current) });
  }
  const bytes = writeModel(current);
  return { model: current, bytes, report: { recipe: valid, before, after: stages.at(-1)?.after ?? before, stages } };
}
