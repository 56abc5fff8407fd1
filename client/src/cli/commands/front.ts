import { Command } from 'commander';
import { SEARCH_DATASETS } from '@frontier/search';
import { latencyBorderline } from '@frontier/workers';
import { resolveDevice, resolveModel } from '../../backend/resolve.js';
import { FrontQuery } from '../../graphql/documents.js';
import { addBackendOptions, withBackend, type BackendCliOptions } from '../backend-option.js';
import { exportArtifacts } from '../export-artifacts.js';
import { limitInput, type LimitOptions } from '../limit-options.js';
import { finiteNumber, toJson, type CliIo } from '../io.js';
import { viewTable } from '../view-output.js';

interface FrontOptions extends BackendCliOptions, LimitOptions {
  model: string;
  device: string;
  dataset: string;
  export?: string;
  json?: boolean;
}

/** `frontier front`: the stored Pareto front of a model on a device, across every run. */
export function frontCommand(io: CliIo): Command {
  const command = new Command('front')
    .description('show the Pareto front found so far for a model on a device (all runs together), optionally under limits')
    .requiredOption('--model <id|name|file>', 'the model searched: its id or name, or its .onnx file (or zoo name)')
    .requiredOption('--device <id>', 'the device searched for')
    .option('--dataset <name>', `dataset searched on: ${SEARCH_DATASETS.join(', ')} or a registered one (name or id)`, 'fashion-mnist')
    .option('--max-latency-ms <ms>', 'keep members at or under this latency', finiteNumber('--max-latency-ms'))
    .option('--max-ram-kb <KiB>', 'keep members at or under this peak RAM', finiteNumber('--max-ram-kb'))
    .option('--max-flash-kb <KiB>', 'keep members at or under this deploy size', finiteNumber('--max-flash-kb'))
    .option('--min-accuracy <fraction>', 'keep members at or above this val accuracy', finiteNumber('--min-accuracy'))
    .option('--export <dir>', 'write the members\' models into this folder as .onnx files')
    .option('--json', 'print machine-readable JSON');
  return addBackendOptions(command).action(async (o: FrontOptions) => {
    const constraints = limitInput(o);
    await withBackend(io, o, async (backend) => {
      const model = await resolveModel(backend, o.model);
      const device = await resolveDevice(backend, o.device);
      const { paretoFront: front } = await backend.request(FrontQuery, { modelId: model.id, deviceId: device.id, constraints, dataset: o.dataset });
      // A predicted latency within its uncertainty of the limit may pass or miss on the board.
      const limit = o.maxLatencyMs;
      const borderline = limit === undefined ? [] : front.members.filter((c) => c.latency && latencyBorderline({ ms: c.latency.ms, ...(c.latency.uncertainty != null ? { uncertainty: c.latency.uncertainty } : {}) }, limit));
      const exported = o.export ? await exportArtifacts(backend, front.members, o.export) : [];
      if (o.json) {
        io.out(toJson({ model: { id: model.id, name: model.name, sha256: model.sha256 }, deviceId: device.id, dataset: o.dataset, constraints, version: front.version, digest: front.digest, front: front.members, borderline: borderline.map((c) => c.id), exported }));
        return;
      }
      io.out([
        `${model.name} on ${device.id} (${o.dataset}): ${front.members.length} front members${Object.keys(constraints).length > 0 ? ' meeting the limits' : ''} (front version ${front.version}, digest ${front.digest.slice(0, 12)})`,
        viewTable(front.members, limit),
        ...exported.map((path) => `wrote ${path}`),
      ].join('\n'));
    });
  });
}
