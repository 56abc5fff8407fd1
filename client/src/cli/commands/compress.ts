import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { compress, modelInputShape, parseRecipe, readModel, recipeNeedsData, type CompressReport, type ModelFigures, type Recipe } from '@frontier/workers';
import { BUILTIN_DATASET } from '@frontier/search';
import { addDatasetOptions, datasetFromOptions, type DatasetOptions } from '../dataset-options.js';
import { UsageError } from '../exit-codes.js';
import { formatBytes, formatCount, table } from '../format.js';
import { positiveInt, toJson, type CliIo } from '../io.js';
import { readModelFile } from '../model-file.js';

interface CompressOptions extends DatasetOptions {
  recipe: string;
  out: string;
  seed?: number;
  calibration?: number;
  json?: boolean;
}

/** `frontier compress <model.onnx> --recipe <file|json> --out <out.onnx>`: applies a recipe and reports what each stage did. */
export function compressCommand(io: CliIo): Command {
  const command = new Command('compress')
    .description('compress a model by a recipe (lowRank → prune → distill → quant) and report params, MACs, file and deploy bytes, peak activations per stage')
    .argument('<model>', 'path to an .onnx file')
    .requiredOption('--recipe <file|json>', 'the recipe: a JSON file, or JSON text such as \'{"quant":{"weightBits":8,"activationBits":8,"granularity":"per-channel","symmetric":true}}\'')
    .requiredOption('--out <file>', 'where to write the compressed .onnx')
    .option('--seed <n>', 'seed of distillation (default 0)', positiveInt('--seed'))
    .option('--calibration <n>', 'calibration images for static int8 (default 1000)', positiveInt('--calibration'))
    .option('--json', 'print machine-readable JSON');
  return addDatasetOptions(command, 'fit').action(async (path: string, options: CompressOptions) => {
    checkOutFolder(options.out);
    const recipe = parseRecipe(readRecipe(options.recipe));
    const file = readModelFile(path);
    const model = readModel(file.bytes);
    // A recipe that trains or calibrates gets Fashion-MNIST's fit split unless told otherwise.
    const named = options.dataset !== undefined || options.images !== undefined || options.labels !== undefined;
    const needsData = recipeNeedsData(recipe);
    if (needsData && !named && !options.json) io.err(`this recipe trains or calibrates on images: using --dataset ${BUILTIN_DATASET} --split ${options.split ?? 'fit'}`);
    const dataset = needsData && !named ? await defaultDataset(options, modelInputShape(model)) : await datasetFromOptions(options, modelInputShape(model));
    const result = await compress(model, recipe, {
      ...(dataset ? { fit: dataset } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.calibration !== undefined ? { calibrationCount: options.calibration } : {}),
      onDistillProgress: (p) => {
        if (p.step === p.stepsPerEpoch && !options.json) io.err(`distill epoch ${p.epoch}/${p.epochs}: loss ${p.loss.toFixed(4)}, accuracy ${(p.accuracy * 100).toFixed(2)}%`);
      },
    });
    writeFileSync(options.out, result.bytes);
    const summary = { model: file.path, sha256: file.sha256, out: options.out, dataset: dataset?.name ?? null, ...result.report };
    io.out(options.json ? toJson(summary) : render(summary));
  });
}

/** Fashion-MNIST for a recipe that needs images when none were named, or a usage error when the model cannot take it. */
async function defaultDataset(options: CompressOptions, input: readonly (number | string)[]) {
  try {
    return await datasetFromOptions({ ...options, dataset: BUILTIN_DATASET }, input);
  } catch (err) {
    throw new UsageError(`this recipe trains or calibrates on images, and ${BUILTIN_DATASET} does not fit the model (${(err as Error).message}): give images with --dataset NAME or --images/--labels`);
  }
}

/** The folder `--out` writes into must exist before minutes of compression are spent. */
function checkOutFolder(out: string): void {
  const folder = dirname(resolve(out));
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    // Missing: reported below.
  }
  if (!isFolder) throw new UsageError(`--out ${out}: the folder ${folder} does not exist`);
}

/**
 * JSON text (any JSON value: `parseRecipe` then says when it is not an object), else a file
 * holding JSON.
 */
function readRecipe(value: string): unknown {
  let text = value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    // Not JSON text: a file name, or malformed JSON text.
  }
  if (!value.trim().startsWith('{')) {
    try {
      text = readFileSync(value, 'utf8');
    } catch (err) {
      throw new UsageError(`--recipe is neither JSON nor a readable file: ${value} (${(err as Error).message})`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`--recipe is not valid JSON: ${(err as Error).message}`);
  }
}

function render(r: CompressReport & { model: string; out: string; recipe: Recipe }): string {
  const row = (label: string, f: ModelFigures) => [
    label,
    formatCount(f.params),
    formatCount(f.nonzeroParams),
    formatCount(f.macs),
    formatBytes(f.fileBytes),
    formatBytes(f.deployBytes),
    formatBytes(f.peakActivationBytes),
  ];
  return [
    `${r.model} → ${r.out}`,
    `recipe ${JSON.stringify(r.recipe)}`,
    ...r.stages.map((s) => `${s.stage}: ${s.summary} (${s.seconds.toFixed(1)} s)`),
    '',
    table(
      ['model', 'params', 'nonzero', 'MACs', 'file', 'deploy', 'peak act.'],
      [row('input', r.before), ...r.stages.map((s) => row(`after ${s.stage}`, s.after))],
    ),
  ].join('\n');
}
