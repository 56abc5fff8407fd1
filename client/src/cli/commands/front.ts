import { Command } from 'commander';
import { FRONT_OBJECTIVES, SEARCH_DATASETS, frontOf, openStore, resolveDataset, sha256Hex } from '@frontier/search';
import { defaultDataDir, latencyBorderline } from '@frontier/workers';
import { limitConstraints } from '../limit-options.js';
import { finiteNumber, toJson, type CliIo } from '../io.js';
import { modelFromOption } from '../model-option.js';
import { frontTable } from '../search-output.js';
import { ExitWith, ExitCode } from '../exit-codes.js';

interface FrontOptions {
  model: string;
  device: string;
  dataset: string;
  maxLatencyMs?: number;
  maxRamKb?: number;
  maxFlashKb?: number;
  minAccuracy?: number;
  dataDir?: string;
  json?: boolean;
}

/** `frontier front`: the stored Pareto front of a model on a device, across every run. */
export function frontCommand(io: CliIo): Command {
  return new Command('front')
    .description('show the Pareto front found so far for a model on a device (all runs together), optionally under limits')
    .requiredOption('--model <file|zoo name>', 'the model searched (an .onnx file or a zoo name)')
    .requiredOption('--device <id>', 'the device searched for')
    .option('--dataset <name>', `dataset searched on: ${SEARCH_DATASETS.join(', ')} or a registered one (name or id)`, 'fashion-mnist')
    .option('--max-latency-ms <ms>', 'keep members at or under this latency', finiteNumber('--max-latency-ms'))
    .option('--max-ram-kb <KiB>', 'keep members at or under this peak RAM', finiteNumber('--max-ram-kb'))
    .option('--max-flash-kb <KiB>', 'keep members at or under this deploy size', finiteNumber('--max-flash-kb'))
    .option('--min-accuracy <fraction>', 'keep members at or above this val accuracy', finiteNumber('--min-accuracy'))
    .option('--data-dir <dir>', 'Frontier\'s data folder (default: $FRONTIER_DATA or ./.frontier)')
    .option('--json', 'print machine-readable JSON')
    .action(async (o: FrontOptions) => {
      const store = await openStore({ dataDir: o.dataDir ?? defaultDataDir() });
      try {
        const models = await store.listModels();
        const known = (what: string, names: readonly string[]) => (names.length > 0 ? `${what}: ${names.join(', ')}` : `no ${what} yet`);
        let file: ReturnType<typeof modelFromOption>;
        try {
          file = modelFromOption(o.model);
        } catch (err) {
          throw new ExitWith(ExitCode.ERROR, `frontier: ${(err as Error).message}; ${known('models searched', models.map((m) => m.name))}`);
        }
        const sha = sha256Hex(file.bytes);
        const model = models.find((m) => m.sha256 === sha);
        if (!model) {
          throw new ExitWith(ExitCode.ERROR, `frontier: ${o.model} has never been searched (no model with sha256 ${sha.slice(0, 12)}… in the store); ${known('models searched', models.map((m) => m.name))}`);
        }
        const devices = (await store.listDevices()).map((d) => d.id);
        if (!devices.includes(o.device)) throw new ExitWith(ExitCode.ERROR, `frontier: unknown device "${o.device}"; ${known('devices searched for', devices)}`);
        const dataset = (await resolveDataset(store, o.dataset)).key;
        const stored = await store.getFront({ modelId: model.id, dataset, deviceId: o.device });
        const members = await store.getCandidates(stored.memberIds);
        const constraints = limitConstraints(o);
        const front = frontOf(members, FRONT_OBJECTIVES, constraints);
        // A predicted latency within its uncertainty of the limit may pass or miss on the board.
        const limit = o.maxLatencyMs;
        const borderline = limit === undefined ? [] : front.filter((c) => c.metrics && latencyBorderline(c.metrics.latency, limit));
        if (o.json) io.out(toJson({ model, deviceId: o.device, dataset: o.dataset, version: stored.version, objectives: FRONT_OBJECTIVES, front, borderline: borderline.map((c) => c.id) }));
        else io.out([`${model.name} on ${o.device} (${o.dataset}): ${front.length} of ${members.length} front members${stored.updatedAt ? `, updated ${stored.updatedAt}` : ''}`, frontTable(front, limit)].join('\n'));
      } finally {
        await store.close();
      }
    });
}
