import { Command } from 'commander';
import { startQueueWorker, type QueueWorker } from '@frontier/search';
import { defaultDataDir } from '@frontier/workers';
import { UsageError } from '../exit-codes.js';
import { positiveInt, toJson, type CliIo } from '../io.js';
import { redisUrlOption } from '../redis-option.js';

interface WorkerOptions {
  redis?: string;
  threads?: number;
  concurrency?: number;
  api?: string;
  dataDir?: string;
  lockMs?: number;
  stalledCheckMs?: number;
  maxStalled?: number;
  json?: boolean;
}

/**
 * `frontier worker --redis URL`: takes candidate evaluations from the queue and runs them on this
 * machine's pool until SIGTERM or SIGINT. The first signal finishes the jobs in hand, then exits;
 * a second abandons them, and the queue gives them to another worker after its stalled check.
 */
export function workerCommand(io: CliIo): Command {
  return new Command('worker')
    .description('evaluate candidates from the queue of searches run with --redis (any number of machines)')
    .option('--redis <url>', 'the queue\'s Redis (default: $FRONTIER_REDIS_URL)')
    .option('--threads <n>', 'evaluation threads (default: the machine\'s cores)', positiveInt('--threads'))
    .option('--concurrency <n>', 'jobs taken at once (default: the threads)', positiveInt('--concurrency'))
    .option('--api <url>', 'a Frontier server to fetch models from when Redis does not hold them, and registered datasets this machine lacks (default: $FRONTIER_API; token in $FRONTIER_TOKEN)')
    .option('--data-dir <dir>', 'dataset cache, fetched datasets and models (default: $FRONTIER_DATA or ./.frontier)')
    .option('--lock-ms <ms>', 'how long a job stays locked without renewal (default 30000)', positiveInt('--lock-ms'))
    .option('--stalled-check-ms <ms>', 'how often jobs of lost workers are looked for (default 30000)', positiveInt('--stalled-check-ms'))
    .option('--max-stalled <n>', 'how often a job may come back after losing its worker before it fails (default 2)', (v) => nonNegativeInt('--max-stalled', v))
    .option('--json', 'print machine-readable JSON lines')
    .action(async (o: WorkerOptions) => {
      const redisUrl = redisUrlOption(o.redis);
      if (!redisUrl) throw new UsageError('--redis <url> (or FRONTIER_REDIS_URL) is required');
      const apiUrl = o.api ?? process.env['FRONTIER_API'];
      const token = process.env['FRONTIER_TOKEN'];
      const say = (line: string) => (o.json ? io.err(toJson({ worker: line })) : io.err(line));
      const worker = await startQueueWorker({
        redisUrl,
        dataDir: o.dataDir ?? defaultDataDir(),
        ...(o.threads ? { threads: o.threads } : {}),
        ...(o.concurrency ? { concurrency: o.concurrency } : {}),
        ...(apiUrl ? { apiUrl } : {}),
        ...(token ? { token } : {}),
        timings: {
          ...(o.lockMs ? { lockDurationMs: o.lockMs } : {}),
          ...(o.stalledCheckMs ? { stalledIntervalMs: o.stalledCheckMs } : {}),
          ...(o.maxStalled !== undefined ? { maxStalledCount: o.maxStalled } : {}),
        },
        log: say,
      });
      say(`worker ${worker.name} ready on ${redisUrl}`);
      await untilSignalled(worker, say);
      say(`worker ${worker.name} stopped`);
    });
}

/** Resolves once the worker has closed after SIGTERM/SIGINT (gracefully; forced on a second signal). */
function untilSignalled(worker: QueueWorker, say: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      const force = signals > 1;
      say(force ? `${signal} again: abandoning the jobs in hand to other workers` : `${signal}: finishing the jobs in hand, taking no more`);
      if (force) process.off('SIGTERM', onSignal).off('SIGINT', onSignal);
      worker.close({ force }).then(resolve, reject);
    };
    process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  });
}

function nonNegativeInt(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${option} must be an integer ≥ 0, got "${value}"`);
  return n;
}
