import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_SAMPLER_KIND, DEFAULT_SPACE, RedisRunEventBus, RunEvents, SAMPLER_KINDS, SearchService, frontOf, queueDispatcherFor, openStore, parseConstraints, parseObjectives, type Candidate, type Run, type Store } from '@frontier/search';
import { defaultDataDir } from '@frontier/workers';
import { limitConstraints, type LimitOptions } from '../limit-options.js';
import { devicesFromOption } from '../device-option.js';
import { UsageError } from '../exit-codes.js';
import { finiteNumber, positiveInt, toJson, type CliIo } from '../io.js';
import { modelFromOption } from '../model-option.js';
import { readJsonFile } from '../read-json-file.js';
import { redisUrlOption } from '../redis-option.js';
import { failureSummary, frontTable, progressReporter } from '../search-output.js';
import { searchRemote } from './search-remote.js';

/** The options of `frontier search`. */
export interface SearchOptions extends LimitOptions {
  model?: string;
  device?: string;
  dataset?: string;
  objectives: string;
  budget?: number;
  seconds?: number;
  sampler: string;
  seed: number;
  space?: string;
  workers?: number;
  resume?: string;
  export?: string;
  dataDir?: string;
  redis?: string;
  api?: string;
  json?: boolean;
}

/** `frontier search`: runs a search on the embedded store with a live progress bar, prints the front. */
export function searchCommand(io: CliIo): Command {
  return new Command('search')
    .description('search compression recipes for a model on a device; prints the Pareto front it found')
    .option('--model <file|zoo name>', 'an .onnx file, or a zoo model: fashion-cnn, fashion-mlp')
    .option('--device <id|file.json>', 'target device (see `frontier devices`)')
    .option('--dataset <name>', 'dataset to search on: fashion-mnist (default) or one registered with `frontier datasets add`')
    .option('--max-latency-ms <ms>', 'latency limit', finiteNumber('--max-latency-ms'))
    .option('--max-ram-kb <KiB>', 'peak RAM limit in KiB', finiteNumber('--max-ram-kb'))
    .option('--max-flash-kb <KiB>', 'flash/storage limit in KiB', finiteNumber('--max-flash-kb'))
    .option('--min-accuracy <fraction>', 'lowest val accuracy worth keeping, in (0, 1]', finiteNumber('--min-accuracy'))
    .option('--objectives <list>', 'comma-separated: accuracy, latencyMs, peakRamBytes, deployBytes, modelBytes, params, macs', 'accuracy,latencyMs,deployBytes')
    .option('--budget <n>', 'candidate evaluations (default 20 when --seconds is not given)', positiveInt('--budget'))
    .option('--seconds <s>', 'time budget in seconds', positiveInt('--seconds'))
    .addOption(new Option('--sampler <kind>', 'search algorithm').choices([...SAMPLER_KINDS]).default(DEFAULT_SAMPLER_KIND))
    .option('--seed <n>', 'seed of the sampler and of fine-tuning', (v) => positiveIntOrZero('--seed', v), 0)
    .option('--space <file.json>', 'search space (default: every technique over its useful range)')
    .option('--workers <n>', 'evaluation threads (default: the machine\'s cores)', positiveInt('--workers'))
    .option('--resume <runId>', 'resume an interrupted run instead of starting one')
    .option('--export <dir>', 'write the front\'s models into this folder as .onnx files')
    .option('--data-dir <dir>', 'Frontier\'s data folder (default: $FRONTIER_DATA or ./.frontier)')
    .option('--redis <url>', 'evaluate on `frontier worker` processes through this Redis instead of local threads (default: $FRONTIER_REDIS_URL)')
    .option('--api <url>', 'run the search on this server and follow it live (default: $FRONTIER_API unless --data-dir is given; token in $FRONTIER_TOKEN)')
    .option('--json', 'print machine-readable JSON')
    .action(async (o: SearchOptions, command: Command) => {
      const api = o.api ?? (o.dataDir === undefined ? process.env['FRONTIER_API'] || undefined : undefined);
      if (api !== undefined) {
        if (o.dataDir !== undefined || o.redis !== undefined || o.workers !== undefined) throw new UsageError('--data-dir, --redis and --workers are the embedded search\'s; with --api the server has its own');
        return searchRemote(io, o, api);
      }
      if (o.resume) warnIgnored(io, command);
      const dataDir = o.dataDir ?? defaultDataDir();
      const redisUrl = redisUrlOption(o.redis);
      if (redisUrl && o.workers) throw new UsageError('--workers sets local threads; with --redis the workers are `frontier worker` processes');
      const store = await openStore({ dataDir });
      const bus = redisUrl ? await RedisRunEventBus.open({ redisUrl, log: (l) => io.err(l) }) : undefined;
      try {
        const log = (line: string) => io.err(line);
        const service = new SearchService({
          store,
          dataDir,
          ...(o.workers ? { threads: o.workers } : {}),
          ...(redisUrl ? { dispatcherFor: queueDispatcherFor(redisUrl, { log }) } : {}),
        });
        const run = o.resume ? await store.getRun(o.resume) : await createRun(service, o);
        // The id first, on stdout, so that a script can follow or cancel the run (`frontier run ID`).
        if (!o.json) io.out(run.id);
        io.err(`run ${run.id}: ${o.resume ? 'resuming' : 'starting'} on device ${run.deviceId} (data in ${dataDir})`);
        if (o.resume) await store.requeueInterrupted({ maxAttempts: 3 });
        const events = new RunEvents((err) => io.err(`progress display failed: ${String(err)}`));
        const progress = progressReporter(io, run.budget.evaluations);
        events.subscribe(progress.listener);
        // With a queue, the run's events also go to Redis, where other processes (servers) see them.
        bus?.publish(events);
        const controller = new AbortController();
        const onSignal = () => controller.abort();
        process.once('SIGINT', onSignal);
        let final: Run;
        try {
          final = await service.start(run.id, { events, signal: controller.signal });
        } finally {
          progress.stop();
          process.off('SIGINT', onSignal);
        }
        await report(io, store, final, o);
      } finally {
        await bus?.close();
        await store.close();
      }
    });
}

/** Options a resumed run keeps using; every other one given with `--resume` is ignored, and said so. */
const RESUME_OPTIONS = new Set(['resume', 'dataDir', 'json', 'workers', 'export']);

function warnIgnored(io: CliIo, command: Command): void {
  const ignored = command.options
    .filter((opt) => !RESUME_OPTIONS.has(opt.attributeName()) && command.getOptionValueSource(opt.attributeName()) === 'cli')
    .map((opt) => opt.long ?? opt.attributeName());
  if (ignored.length > 0) io.err(`--resume: ignoring ${ignored.join(', ')} (a resumed run keeps the settings it was started with)`);
}

function positiveIntOrZero(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new UsageError(`${option} must be an integer ≥ 0, got "${value}"`);
  return n;
}

async function createRun(service: SearchService, o: SearchOptions): Promise<Run> {
  if (!o.model) throw new UsageError('--model is required (or --resume <runId>)');
  if (!o.device) throw new UsageError('--device is required (see `frontier devices`)');
  const devices = devicesFromOption(o.device);
  if (devices.length !== 1) throw new UsageError('--device names one device for a search, not "all"');
  if (o.minAccuracy !== undefined && !(o.minAccuracy > 0 && o.minAccuracy <= 1)) {
    throw new UsageError(`--min-accuracy must be a fraction in (0, 1], got ${o.minAccuracy}${o.minAccuracy > 1 && o.minAccuracy <= 100 ? ` (for ${o.minAccuracy}% write ${o.minAccuracy / 100})` : ''}`);
  }
  const constraints = limitConstraints(o);
  const objectives = parseObjectives(o.objectives.split(',').map((s) => s.trim()));
  const file = modelFromOption(o.model);
  const device = await service.registerDevice(devices[0]!);
  const model = await service.registerModel({ name: file.name, bytes: file.bytes, ...(o.dataset ? { dataset: o.dataset } : {}) });
  return service.createRun({
    modelId: model.id,
    deviceId: device.id,
    ...(o.dataset ? { dataset: o.dataset } : {}),
    objectives,
    constraints,
    space: o.space ? (readJsonFile(o.space, '--space') as object) : DEFAULT_SPACE,
    sampler: { kind: o.sampler },
    budget: o.seconds !== undefined ? { seconds: o.seconds, ...(o.budget ? { evaluations: o.budget } : {}) } : { evaluations: o.budget ?? 20 },
    seed: o.seed,
  });
}

async function report(io: CliIo, store: Store, run: Run, o: SearchOptions): Promise<void> {
  const candidates = await store.listCandidates({ runId: run.id });
  const constraints = parseConstraints(run.constraints);
  const front: Candidate[] = frontOf(candidates, parseObjectives(run.objectives), constraints);
  const exported = o.export ? await exportModels(store, front, o.export) : [];
  if (o.json) {
    io.out(toJson({ run, front, exported }));
  } else {
    const p = run.progress;
    io.out(`run ${run.id} ${run.status}: ${p.done} evaluated (${p.reused} reused), ${p.infeasible} ruled out by the pre-screen, ${p.failed} failed, ${(run.elapsedMs / 1000).toFixed(1)} s`);
    if (run.error) io.out(`  ${run.error}`);
    io.out(frontTable(front, constraints.maxLatencyMs));
    for (const path of exported) io.out(`wrote ${path}`);
  }
  if (run.status === 'FAILED') throw new Error(run.error ?? 'the run failed');
  const failures = run.status === 'DONE' ? failureSummary(candidates) : '';
  if (failures) throw new Error(failures);
}

async function exportModels(store: Store, front: readonly Candidate[], dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (const [i, c] of front.entries()) {
    const path = join(dir, `front-${i + 1}-${c.artifactSha256!.slice(0, 12)}.onnx`);
    writeFileSync(path, await store.getArtifact(c.artifactSha256!));
    paths.push(path);
  }
  return paths;
}
