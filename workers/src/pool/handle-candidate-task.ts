import { estimateRecipe } from '../compress/estimate-recipe.js';
import { UnreachableCaseError } from '../errors.js';
import { evaluateAccuracy } from '../eval/evaluate-accuracy.js';
import { readModel } from '../onnx/read-model.js';
import type { Model } from '../onnx/model.js';
import type { CandidateOutput, CandidateTask } from './candidate-task.js';
import { evaluateCandidate, evaluateTestSplit, modelInputShape, type EvaluationCache } from './evaluate-candidate.js';
import { conformDataset } from '../data/conform-dataset.js';
import { prepareDataset } from '../data/prepare-dataset.js';

/** The last model an estimate parsed, per thread: a run sends the same model with every recipe. */
let parsed: { sha256: string; model: Model } | undefined;

/**
 * Handles one task of any kind on a worker thread (or in a queue consumer's process): the one
 * dispatch from a task's kind to the code that serves it.
 */
export async function handleCandidateTask(task: CandidateTask, cache: EvaluationCache): Promise<CandidateOutput> {
  switch (task.kind) {
    case 'evaluate':
      return evaluateCandidate(task, cache);
    case 'test':
      return evaluateTestSplit(task, cache);
    case 'estimate': {
      if (parsed?.sha256 !== task.model.sha256) parsed = { sha256: task.model.sha256, model: readModel(task.model.bytes) };
      return { kind: 'estimate', estimate: await estimateRecipe(parsed.model, task.recipe, task.device) };
    }
    case 'baseline': {
      const val = conformDataset(cache.split(task.dataset, task.dataDir, 'val').data, modelInputShape(readModel(task.model)));
      return { kind: 'baseline', accuracy: (await evaluateAccuracy(task.model, val, {})).accuracy };
    }
    case 'prepare-dataset':
      return { kind: 'prepare-dataset', prepared: await prepareDataset(task.options) };
    default:
      throw new UnreachableCaseError(task);
  }
}
