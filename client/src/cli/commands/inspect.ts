import { Command } from 'commander';
import { analyzeModel, CATALOGUE_DEVICES, dataTypeName, defaultOpset, deviceGraph, deviceMemory, readModel, type ModelAnalysis } from '@frontier/workers';
import { formatBytes, formatCount, table } from '../format.js';
import { toJson, type CliIo } from '../io.js';
import { readModelFile } from '../model-file.js';

/** `frontier inspect <model.onnx>`: op coverage, params, MACs, peak activations, file bytes. */
export function inspectCommand(io: CliIo): Command {
  return new Command('inspect')
    .description('analyse an ONNX model: op coverage per node, params, MACs, peak activation memory, file size')
    .argument('<model>', 'path to an .onnx file')
    .option('--json', 'print machine-readable JSON')
    .action((path: string, options: { json?: boolean }) => {
      const file = readModelFile(path);
      const model = readModel(file.bytes);
      const analysis = analyzeModel(model);
      // The peak as the device runtime executes the model (fused layers), the figure `compress`
      // reports; liveness does not depend on the device, so any spec serves.
      const memory = deviceMemory(deviceGraph(model), CATALOGUE_DEVICES[0]!);
      const summary = {
        path: file.path,
        sha256: file.sha256,
        fileBytes: file.bytes.length,
        irVersion: model.irVersion,
        opset: defaultOpset(model),
        producer: `${model.producerName} ${model.producerVersion}`.trim(),
        ...analysis,
        graphPeakActivationBytes: analysis.peakActivationBytes,
        peakActivationBytes: memory.activationPeakBytes,
        peakActivationNode: memory.peakLayer,
      };
      io.out(options.json ? toJson(summary) : render(summary));
    });
}

function render(s: ModelAnalysis & { graphPeakActivationBytes: number; path: string; sha256: string; fileBytes: number; irVersion: number; opset: number; producer: string }): string {
  const io = (v: { name: string; elemType: number; dims: readonly number[] }) => `${v.name} [${v.dims.join(', ')}] ${dataTypeName(v.elemType)}`;
  const lines = [
    `${s.path}: ${formatBytes(s.fileBytes)}, IR ${s.irVersion}, opset ${s.opset}${s.producer ? `, from ${s.producer}` : ''}`,
    `sha256 ${s.sha256}`,
    `inputs: ${s.inputs.map(io).join('; ')}`,
    `outputs: ${s.outputs.map(io).join('; ')}`,
    `params ${formatCount(s.params)} (nonzero ${formatCount(s.nonzeroParams)}), weights ${formatBytes(s.weightBytes)}, ` +
      `MACs ${formatCount(s.macs)}, peak activations ${formatBytes(s.peakActivationBytes)} with fused layers (at ${s.peakActivationNode}; ` +
      `${formatBytes(s.graphPeakActivationBytes)} node by node)`,
    '',
    table(
      ['node', 'op', 'output', 'MACs', 'params', 'techniques'],
      s.nodes.map((n) => [
        n.name,
        n.opType,
        n.outputs[0] ? `[${n.outputs[0].dims.join(', ')}]` : '',
        n.macs ? formatCount(n.macs) : '',
        n.params ? formatCount(n.params) : '',
        n.techniques.join(' '),
      ]),
    ),
  ];
  return lines.join('\n');
}
