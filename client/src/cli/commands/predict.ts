import { Command } from 'commander';
import {
  HOST_DEVICE_ID,
  deviceGraphFor,
  deviceReport,
  WorkersError,
  measureOnHost,
  readModel,
  type KernelCycles,
  type DeviceReport,
  type HostMeasurement,
  type Latency,
} from '@frontier/workers';
import { devicesFromOption } from '../device-option.js';
import { formatBytes, formatCount, table } from '../format.js';
import { positiveInt, toJson, type CliIo } from '../io.js';
import { readModelFile } from '../model-file.js';

interface PredictOptions {
  device: string;
  stack?: string;
  measure: boolean;
  runs?: number;
  json?: boolean;
}

/** One device's answer: the report, the latency to use (measured on host), and the measurement. */
interface DeviceResult extends DeviceReport {
  /** The latency to quote: MEASURED on `host` (unless --no-measure), else PREDICTED; null when unsupported. */
  readonly latencyMs: Latency | null;
  readonly measured: HostMeasurement | null;
}

/** `frontier predict <model.onnx> --device ID`: latency with its source, peak RAM, storage, fits. */
export function predictCommand(io: CliIo): Command {
  return new Command('predict')
    .description('predict a model on target devices: latency (MEASURED on host, PREDICTED elsewhere), peak RAM, flash/storage, and whether it fits')
    .argument('<model>', 'path to an .onnx file')
    .requiredOption('--device <id>', 'a device id from `frontier devices`, `all`, or a device spec .json file')
    .option('--stack <id>', 'software stack whose fitted cost model to use (default: each device\'s first; see `frontier devices`)')
    .option('--runs <n>', 'timed runs of the host measurement (default 50)', positiveInt('--runs'))
    .option('--no-measure', 'do not measure on host; predict only')
    .option('--json', 'print machine-readable JSON')
    .action(async (path: string, options: PredictOptions) => {
      const devices = devicesFromOption(options.device);
      const file = readModelFile(path);
      const model = readModel(file.bytes);
      const stack = options.stack;
      if (stack !== undefined && !devices.some((d) => d.costModels?.some((m) => m.stack === stack))) {
        const known = [...new Set(devices.flatMap((d) => d.costModels?.map((m) => m.stack) ?? []))];
        throw new WorkersError('BAD_ARGUMENT', `--stack "${stack}" is not modelled for ${options.device} (stacks: ${known.join(', ') || 'none'})`);
      }
      const results: DeviceResult[] = [];
      for (const device of devices) {
        const graph = deviceGraphFor(model, device);
        const own = stack !== undefined && device.costModels?.some((m) => m.stack === stack) ? { stack } : {};
        const report = deviceReport(graph, device, own);
        const measured = device.id === HOST_DEVICE_ID && options.measure ? await measureOnHost(file.bytes, options.runs ? { runs: options.runs } : {}) : null;
        const predicted: Latency | null = report.latency.supported ? { ms: report.latency.ms, source: 'PREDICTED' } : null;
        results.push({ ...report, latencyMs: measured ? { ms: measured.ms, source: 'MEASURED' } : predicted, measured });
      }
      const summary = { path: file.path, sha256: file.sha256, macs: results[0]?.macs ?? 0, deployWeightBytes: results[0]?.memory.storageBytes ?? 0, results };
      io.out(options.json ? toJson(summary) : render(summary));
    });
}

function render(s: { path: string; macs: number; deployWeightBytes: number; results: readonly DeviceResult[] }): string {
  const latency = (r: DeviceResult): string => {
    if (!r.latency.supported) return 'unsupported';
    const l = r.latency;
    const how = l.stack ? ` ±${(l.stack.uncertainty * 100).toFixed(0)}% (${l.stack.id})` : l.model === 'calibration' ? ' (calibrated)' : ' (roofline bound)';
    const partial = l.model !== 'roofline' && !l.calibrated ? ', some layers roofline' : '';
    const predicted = `${l.ms.toFixed(3)} ms PREDICTED${how}${partial}; roofline ≥ ${l.rooflineMs.toFixed(3)} ms`;
    return r.measured ? `${r.measured.ms.toFixed(3)} ms MEASURED; ${predicted}` : predicted;
  };
  const rows = s.results.map((r) => [
    r.device.id,
    latency(r),
    formatBytes(r.memory.peakRamBytes),
    formatBytes(r.memory.storageBytes),
    r.fits ? 'yes' : 'no',
    r.reasons.join('; '),
  ]);
  return [
    `${s.path}: ${formatCount(s.macs)} MACs, ${formatBytes(s.deployWeightBytes)} of weights as deployed`,
    '',
    table(['device', 'latency', 'peak RAM', 'storage', 'fits', 'why'], rows),
    ...stackNotes(s.results),
  ].join('\n');
}

/** For each cost-model prediction: the stack, its fitted cycles per layer type and its uncertainty. */
function stackNotes(results: readonly DeviceResult[]): string[] {
  const cost = (c: KernelCycles): string =>
    `conv ${c.conv.toFixed(2)}, depthwise ${c.depthwise.toFixed(2)}, pointwise ${c.pointwise.toFixed(2)}, dense ${c.dense.toFixed(2)} cycles/MAC; ` +
    `${c.perOutput.toFixed(1)} cycles/output, ${c.elementwise.toFixed(1)} cycles/element elementwise, ${c.perOp.toFixed(0)} cycles/layer`;
  const lines: string[] = [];
  for (const r of results) {
    const st = r.latency.supported ? r.latency.stack : undefined;
    if (!st) continue;
    lines.push(`${r.device.id}: ${st.name}; held-out error ±${(st.uncertainty * 100).toFixed(1)}%`);
    for (const [p, c] of Object.entries(st.costs)) lines.push(`  ${p}: ${cost(c)}`);
  }
  const caveat = 'two published models per core cannot pin every term: the terms trade off against each other, the total is what the held-out error checks';
  return lines.length > 0 ? ['', `fitted cost models (MLPerf Tiny results; \`frontier devices --json\` cites them; ${caveat}):`, ...lines] : [];
}
