import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { ApiError, parseTokens, startServer, type ServerOptions, type TokenTable } from '@frontier/api';
import { openStore, queueDispatcherFor, RedisRunEventBus } from '@frontier/search';
import { defaultDataDir } from '@frontier/workers';
import { UsageError } from '../exit-codes.js';
import { positiveInt, type CliIo } from '../io.js';
import { redisUrlOption } from '../redis-option.js';

interface ServeOptions {
  port: number;
  host: string;
  data?: string;
  threads?: number;
  tokensFile?: string;
  redis?: string;
}

/** The dashboard's bundle, built beside the compiled CLI by `npm run build -w client` (and `npm ci`). */
const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));

/** How long a stop may take before the process exits anyway (SIGTERM must end within 10 s). */
const STOP_DEADLINE_MS = 8000;

/** `frontier serve`: the GraphQL API (HTTP and WebSocket) with the engine in the same process. */
export function serveCommand(io: CliIo): Command {
  return new Command('serve')
    .description('serve the dashboard at /, the GraphQL API at /graphql (queries, mutations, live searchProgress), artifacts and model uploads; searches run in this process')
    .option('--port <n>', 'TCP port (0: any free port)', port, 4000)
    .option('--host <address>', 'address to listen on; anything but loopback needs tokens', '127.0.0.1')
    .option('--data <dir>', 'Frontier\'s data folder (default: $FRONTIER_DATA or ./.frontier); MONGODB_URI switches the store to MongoDB')
    .option('--threads <n>', 'evaluation threads shared by all runs (default: the machine\'s cores)', positiveInt('--threads'))
    .option('--tokens-file <file>', 'access tokens, one read:TOKEN or write:TOKEN per line (default: $FRONTIER_TOKENS)')
    .option('--redis <url>', 'evaluate on `frontier worker` processes through this Redis and share run events with other servers (default: $FRONTIER_REDIS_URL)')
    .action(async (o: ServeOptions) => {
      const tokens = readTokens(o.tokensFile);
      const redisUrl = redisUrlOption(o.redis);
      const dataDir = o.data ?? defaultDataDir();
      const log = (line: string): void => io.err(line);
      const bus = redisUrl ? await RedisRunEventBus.open({ redisUrl, log }) : undefined;
      const store = await openStore({ dataDir });
      const queue = redisUrl && bus ? { dispatcherFor: queueDispatcherFor(redisUrl, { log }), eventBus: bus } : {};
      const dashboard = existsSync(`${DASHBOARD_DIR}index.html`) ? { dashboardDir: DASHBOARD_DIR } : {};
      if (!dashboard.dashboardDir) log(`no dashboard at / (its bundle is missing from ${DASHBOARD_DIR}): run "npm run build -w client"`);
      const options: ServerOptions = { store, dataDir, host: o.host, port: o.port, log, ...queue, ...dashboard, ...(o.threads ? { threads: o.threads } : {}), ...(tokens ? { tokens } : {}) };
      let server;
      try {
        server = await startServer(options);
      } catch (err) {
        await store.close();
        await bus?.close();
        if (err instanceof ApiError) throw new UsageError(err.message);
        throw err;
      }
      io.err(`frontier ${server.resumed.length > 0 ? `resumed ${server.resumed.length} run(s); ` : ''}serving ${server.url}/graphql${dashboard.dashboardDir ? ` and the dashboard at ${server.url}/` : ''} (data in ${dataDir}${redisUrl ? '; evaluations on the queue in Redis' : ''})`);
      await stopped();
      setTimeout(() => process.exit(0), STOP_DEADLINE_MS).unref();
      io.err('stopping: runs in progress stay resumable');
      await server.close({ exiting: true });
      await bus?.close();
      // Evaluations still running end with the process (see RunningServer.close).
      process.exit(0);
    });
}

/** Resolves on the first SIGTERM or SIGINT (a second one ends the process at once). */
function stopped(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGTERM', done);
      process.off('SIGINT', done);
      resolve();
    };
    process.once('SIGTERM', done);
    process.once('SIGINT', done);
  });
}

function readTokens(file: string | undefined): TokenTable | undefined {
  try {
    if (file) return parseTokens(readFileSync(file, 'utf8'), `--tokens-file ${file}`);
    const env = process.env['FRONTIER_TOKENS'];
    return env && env.trim() !== '' ? parseTokens(env, 'FRONTIER_TOKENS') : undefined;
  } catch (err) {
    if (err instanceof ApiError) throw new UsageError(err.message);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`--tokens-file: no file "${file}"`);
    throw err;
  }
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be an integer in 0..65535, got "${value}"`);
  return n;
}
