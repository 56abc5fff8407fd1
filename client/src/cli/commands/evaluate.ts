import { Command } from 'commander';
import { evaluateModel, modelInputShape, readModel, type ModelEvaluation } from '@frontier/workers';
import { addDatasetOptions, datasetFromOptions, type DatasetOptions } from '../dataset-options.js';
import { formatBytes, formatCount } from '../format.js';
import { positiveInt, toJson, type CliIo } from '../io.js';
import { readModelFile } from '../model-file.js';

interface EvaluateOptions extends DatasetOptions {
  limit?: number;
  latency: boolean;
  runs?: number;
  json?: boolean;
}

/** `frontier evaluate <model.onnx>`: accuracy on a dataset, host latency, size and the static figures. */
export function evaluateCommand(io: CliIo): Command {
  const command = new Command('evaluate')
    .description('measure a model with onnxruntime-node: top-1 accuracy, host latency (median, p90), size, params, MACs, peak activations')
    .argument('<model>', 'path to an .onnx file')
    .option('--limit <n>', 'evaluate only the first N images of the split', positiveInt('--limit'))
    .option('--runs <n>', 'timed single-image runs for latency (default 50)', positiveInt('--runs'))
    .option('--no-latency', 'skip the latency measurement')
    .option('--json', 'print machine-readable JSON');
  return addDatasetOptions(command, 'val').action(async (path: string, options: EvaluateOptions) => {
    const file = readModelFile(path);
    const dataset = await datasetFromOptions(options, modelInputShape(readModel(file.bytes)));
    const result = await evaluateModel(file.bytes, {
      ...(dataset ? { dataset } : {}),
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      latency: options.latency ? (options.runs !== undefined ? { runs: options.runs } : {}) : false,
    });
    const report = { path: file.path, sha256: file.sha256, dataset: dataset?.name ?? null, ...result };
    io.out(options.json ? toJson(report) : render(report));
  });
}

function render(r: ModelEvaluation & { path: string; dataset: string | null }): string {
  const lines = [`${r.path}`];
  if (r.accuracy) {
    lines.push(`accuracy  ${(r.accuracy.accuracy * 100).toFixed(2)}% top-1 (${r.accuracy.correct}/${r.accuracy.count} on ${r.dataset})`);
  }
  if (r.latency) {
    lines.push(`latency   ${r.latency.medianMs.toFixed(3)} ms median, ${r.latency.p90Ms.toFixed(3)} ms p90 (${r.latency.source}, this host, 1 thread, ${r.latency.runs} runs)`);
  }
  lines.push(`size      ${formatBytes(r.modelBytes)} file, ${formatBytes(r.weightBytes)} weights`);
  lines.push(`params    ${formatCount(r.params)} (nonzero ${formatCount(r.nonzeroParams)}), MACs ${formatCount(r.macs)}, peak activations ${formatBytes(r.peakActivationBytes)}`);
  return lines.join('\n');
}
