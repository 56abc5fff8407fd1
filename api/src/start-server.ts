import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Store } from '@frontier/search';
import { buildSchema, type SchemaContext } from '@frontier/schema';
import { ApiError } from './api-error.js';
import { EnginePlatform, type EnginePlatformOptions } from './engine-platform.js';
import { dashboardFiles } from './dashboard-files.js';
import { formatError } from './format-error.js';
import { httpRoutes } from './http-routes.js';
import { limitRules, resolveLimits, type Limits } from './limits.js';
import { createLoaders } from './loaders.js';
import { operationChecks } from './operation-checks.js';
import { authenticate, type Caller, type TokenTable } from './tokens.js';
import { startWsServer } from './ws-server.js';

/** How long a stop waits for requests, then for evaluations in flight: together well under 10 s. */
const STOP_GRACE_MS = { requests: 2000, evaluations: 6000 };

const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export interface ServerOptions {
  /** The store; the server owns it from now on and closes it when it stops. */
  readonly store: Store;
  /** Frontier's data folder (dataset cache). */
  readonly dataDir: string;
  /** Default 127.0.0.1. Anything but loopback needs `tokens`. */
  readonly host?: string;
  /** Default 4000; 0 picks a free port. */
  readonly port?: number;
  /** Threads of the shared worker pool; default the machine's cores. */
  readonly threads?: number;
  /** Access tokens; without them the server binds loopback only and everyone may write. */
  readonly tokens?: TokenTable;
  /** Introspection and field suggestions off. Default `NODE_ENV === 'production'`. */
  readonly production?: boolean;
  readonly limits?: Partial<Limits>;
  /** Builds each run's dispatcher (a queue across machines); default the shared in-process pool. */
  readonly dispatcherFor?: EnginePlatformOptions['dispatcherFor'];
  /** Run events shared with other servers over Redis (`serve --redis`). */
  readonly eventBus?: EnginePlatformOptions['eventBus'];
  /** Register the zoo models and catalogue devices missing from the store. Default true. */
  readonly registerBuiltins?: boolean;
  /** The dashboard's built files (a folder with `index.html`), served at `/`. Default none. */
  readonly dashboardDir?: string;
  /** Where the server's notes go. Default stderr. */
  readonly log?: (line: string) => void;
}

export interface RunningServer {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  readonly platform: EnginePlatform;
  /** Runs resumed at start. */
  readonly resumed: readonly string[];
  /**
   * Stops accepting work and closes connections; runs in progress stay RUNNING in the store, to be
   * resumed by the next start. Closes the store, gives evaluations in flight a few seconds to end,
   * then ends the worker threads — unless `exiting`: a process about to exit leaves them to end
   * with it.
   */
  close(options?: { readonly exiting?: boolean }): Promise<void>;
}

/** True for a host name or address that only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Starts Frontier's server: Apollo Server (GraphQL over HTTP) and graphql-ws (subscriptions) on one
 * HTTP server at `/graphql`, `GET /healthz`, `GET /artifacts/<sha256>`, `GET /datasets/<sha256>`, `POST /models?name=`, the
 * dashboard at `/` (when given its folder), and the engine in the same process. Interrupted runs are resumed before it listens.
 */
export async function startServer(o: ServerOptions): Promise<RunningServer> {
  const host = o.host ?? '127.0.0.1';
  if (!o.tokens && !isLoopback(host)) {
    throw new ApiError('INSECURE_BIND', `refusing to listen on ${host} without tokens: set FRONTIER_TOKENS or --tokens-file, or use a loopback host such as 127.0.0.1`);
  }
  const limits = resolveLimits(o.limits);
  const dashboard = o.dashboardDir === undefined ? undefined : dashboardFiles(o.dashboardDir);
  const log = o.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const production = o.production ?? process.env['NODE_ENV'] === 'production';
  const platform = new EnginePlatform({ store: o.store, dataDir: o.dataDir, version: VERSION, log, ...(o.threads !== undefined ? { threads: o.threads } : {}), ...(o.dispatcherFor ? { dispatcherFor: o.dispatcherFor } : {}), ...(o.eventBus ? { eventBus: o.eventBus } : {}) });
  if (o.registerBuiltins ?? true) await platform.registerBuiltins();
  const resumed = await platform.resumeInterrupted();

  const schema = buildSchema();
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  let base = '';
  const contextFor = (caller: Caller, cache: boolean): SchemaContext => ({
    store: o.store,
    platform,
    loaders: createLoaders(o.store, { cache }),
    scope: caller.scope,
    artifactBaseUrl: `${base}/artifacts`,
  });
  const ws = startWsServer({ httpServer, schema, limits, tokens: o.tokens, context: wsContext(contextFor), log });
  const apollo = new ApolloServer<SchemaContext>({
    schema,
    validationRules: limitRules(limits),
    parseOptions: { maxTokens: limits.maxTokens },
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // The caller owns the process's signals (`frontier serve` stops runs resumably on SIGTERM).
    stopOnTerminationSignals: false,
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => formatError(formatted, error, log),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: STOP_GRACE_MS.requests }),
      { serverWillStart: async () => ({ drainServer: () => ws.close() }) },
      // The address the client reached (a server on 0.0.0.0 is reached by another name), else ours.
      operationChecks({ maxCost: limits.maxCost, subscriptionUrl: (reached) => `${reached ? `ws://${reached}` : base.replace(/^http/, 'ws')}/graphql` }),
    ],
  });
  await apollo.start();
  app.use(httpRoutes({ store: o.store, dataDir: o.dataDir, platform, tokens: o.tokens, uploadBytes: limits.uploadBytes, version: VERSION, log }));
  app.use(
    '/graphql',
    express.json({ limit: limits.bodyBytes }),
    expressMiddleware(apollo, { context: async ({ req }) => contextFor(authenticate(req.headers.authorization, o.tokens), true) }),
  );
  if (dashboard) app.use(dashboard);
  app.use(bodyErrors(limits));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(o.port ?? 4000, host, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (!o.tokens) log(`no tokens configured: listening on loopback only (${base}); set FRONTIER_TOKENS to serve other machines`);

  let closing: Promise<void> | undefined;
  const close = (options: { readonly exiting?: boolean } = {}): Promise<void> =>
    (closing ??= (async () => {
      platform.stopAccepting();
      await apollo.stop();
      // The store closes before the pool, so evaluations ended by the shutdown cannot mark
      // anything FAILED: the runs stay as they were, to be resumed.
      await o.store.close();
      await platform.closePool({ graceMs: STOP_GRACE_MS.evaluations, exiting: options.exiting ?? false });
    })());
  return { url: base, port, platform, resumed, close };
}

/** WebSocket operations share non-caching loaders: batched across subscribers, never stale. */
function wsContext(contextFor: (caller: Caller, cache: boolean) => SchemaContext): (caller: Caller) => SchemaContext {
  const shared = new Map<string, SchemaContext>();
  return (caller) => {
    let ctx = shared.get(caller.scope);
    if (!ctx) shared.set(caller.scope, (ctx = contextFor(caller, false)));
    return ctx;
  };
}

/** Body parser failures as GraphQL-shaped JSON: 413 past the limit, 400 for malformed JSON. */
function bodyErrors(limits: Limits) {
  return (err: { type?: string; status?: number; message?: string }, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    if (err.type === 'entity.too.large') {
      const limit = req.path === '/models' ? limits.uploadBytes : limits.bodyBytes;
      res.status(413).json({ errors: [{ message: `request body larger than the limit of ${limit} bytes`, extensions: { code: 'BAD_USER_INPUT' } }] });
      return;
    }
    const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    res.status(status).json({ errors: [{ message: status === 500 ? 'internal server error' : (err.message ?? 'bad request'), extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_USER_INPUT' } }] });
  };
}
