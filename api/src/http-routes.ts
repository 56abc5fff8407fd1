import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import express, { type Request, type Response, type Router } from 'express';
import { GraphQLError } from 'graphql';
import { isStoreError, type Store } from '@frontier/search';
import { publicCode } from '@frontier/schema';
import { registeredDatasetFile } from '@frontier/workers';
import { authenticate, type TokenTable } from './tokens.js';
import type { EnginePlatform } from './engine-platform.js';

export interface RouteOptions {
  readonly store: Store;
  /** The server's data folder, where registered datasets' cache files are. */
  readonly dataDir: string;
  readonly platform: EnginePlatform;
  readonly tokens: TokenTable | undefined;
  readonly uploadBytes: number;
  readonly version: string;
  readonly log: (line: string) => void;
}

const SHA256 = /^[0-9a-f]{64}$/;
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Plain HTTP beside GraphQL: `GET /healthz`, `GET /artifacts/<sha256>`, `GET /datasets/<sha256>`
 * (a registered dataset's cache file by provenance hash, for queue workers on other machines),
 * `POST /models?name=NAME` (optionally `&dataset=ID`: the baseline is measured on that registered dataset).
 * `/healthz` needs no token and says whether the other routes do (`tokens`), so that a page can ask
 * for one before its first request is refused.
 */
export function httpRoutes(o: RouteOptions): Router {
  const router = express.Router();
  router.get('/healthz', async (_req, res) => {
    const health = await o.platform.health();
    res.status(health.ok ? 200 : 503).json({ ok: health.ok, version: o.version, tokens: o.tokens !== undefined });
  });
  router.get('/artifacts/:sha256', (req, res) => guarded(res, o.log, () => sendArtifact(o, req, res)));
  router.get('/datasets/:sha256', (req, res) => guarded(res, o.log, () => sendDataset(o, req, res)));
  router.post(
    '/models',
    (req, res, next) => guarded(res, o.log, async () => {
      if (authorize(req, o, 'write')) next();
    }),
    express.raw({ type: () => true, limit: o.uploadBytes }),
    (req, res) => guarded(res, o.log, () => uploadModel(o, req, res)),
  );
  return router;
}

async function sendArtifact(o: RouteOptions, req: Request, res: Response): Promise<void> {
  authorize(req, o, 'read');
  const sha256 = String(req.params['sha256']);
  if (!SHA256.test(sha256)) return fail(res, 400, 'BAD_USER_INPUT', `an artifact is named by a lower-case hex sha256 of 64 digits, got "${sha256.slice(0, 80)}"`);
  if (!(await o.store.hasArtifact(sha256))) return fail(res, 404, 'NOT_FOUND', `no artifact ${sha256}`);
  await sendImmutable(o, req, res, {
    sha256,
    fileName: `${sha256}.onnx`,
    size: () => o.store.artifactSize(sha256),
    open: () => o.store.openArtifactStream(sha256),
    what: 'artifact',
  });
}

/**
 * A registered dataset's decoded cache file (`datasets/registered/<sha256>.bin`), streamed with its
 * length; the receiver checks that it hashes to the provenance hash it asked for.
 */
async function sendDataset(o: RouteOptions, req: Request, res: Response): Promise<void> {
  authorize(req, o, 'read');
  const sha256 = String(req.params['sha256']);
  if (!SHA256.test(sha256)) return fail(res, 400, 'BAD_USER_INPUT', `a dataset is named by its provenance hash, a lower-case hex sha256 of 64 digits, got "${sha256.slice(0, 80)}"`);
  const record = (await o.store.listDatasets()).find((d) => d.sha256 === sha256);
  if (!record) return fail(res, 404, 'NOT_FOUND', `no registered dataset has the provenance hash ${sha256}`);
  const file = registeredDatasetFile(o.dataDir, sha256);
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch {
    // A store shared by several servers: the dataset was registered on another one.
    return fail(res, 404, 'NOT_FOUND', `dataset ${record.name} (${sha256}) is registered, but its cache file is not on this server: fetch it from the server it was registered on`);
  }
  await sendImmutable(o, req, res, { sha256, fileName: `${sha256}.bin`, size: () => Promise.resolve(size), open: () => Promise.resolve(createReadStream(file)), what: 'dataset' });
}

/**
 * Sends content named by its sha256: immutable, its ETag the hash (a matching `If-None-Match` gets
 * 304 and no body), streamed with its length; a read error mid-way cuts the response.
 */
async function sendImmutable(
  o: RouteOptions,
  req: Request,
  res: Response,
  body: { readonly sha256: string; readonly fileName: string; readonly size: () => Promise<number>; readonly open: () => Promise<Readable>; readonly what: string },
): Promise<void> {
  const etag = `"${body.sha256}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  if (req.headers['if-none-match'] === etag) {
    res.status(304).end();
    return;
  }
  const size = await body.size();
  const stream = await body.open();
  res.status(200).set({ 'Content-Type': 'application/octet-stream', 'Content-Length': String(size), 'Content-Disposition': `attachment; filename="${body.fileName}"` });
  stream.on('error', (err) => {
    o.log(`${body.what} ${body.sha256}: ${err.message}`);
    res.destroy(err);
  });
  stream.pipe(res);
}

async function uploadModel(o: RouteOptions, req: Request, res: Response): Promise<void> {
  const name = req.query['name'];
  if (typeof name !== 'string' || !MODEL_NAME.test(name)) {
    return fail(res, 400, 'BAD_USER_INPUT', `name must be 1–100 letters, digits, ".", "_" or "-" (starting with a letter or digit), got ${JSON.stringify(name ?? null)}`);
  }
  const dataset = req.query['dataset'];
  if (dataset !== undefined && (typeof dataset !== 'string' || dataset === '')) return fail(res, 400, 'BAD_USER_INPUT', `dataset must be one dataset id or name, got ${JSON.stringify(dataset)}`);
  const body: unknown = req.body;
  if (!Buffer.isBuffer(body) || body.length === 0) return fail(res, 400, 'BAD_USER_INPUT', 'the request body must be the ONNX file, got an empty body');
  const model = await o.platform.registerModel(name, new Uint8Array(body.buffer, body.byteOffset, body.length), dataset);
  res.status(201).json(model);
}

/** Checks the caller's token; answers 401/403 itself and returns false when refused. */
function authorize(req: Request, o: RouteOptions, needed: 'read' | 'write'): boolean {
  const caller = authenticate(req.headers.authorization, o.tokens);
  if (needed === 'write' && caller.scope !== 'write') throw new GraphQLError('uploading a model needs a write token; this token is read-only', { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
  return true;
}

/** Runs a handler, answering its errors as GraphQL-shaped JSON with a public code. */
async function guarded(res: Response, log: (line: string) => void, handler: () => Promise<void>): Promise<void> {
  try {
    await handler();
  } catch (err) {
    if (err instanceof GraphQLError) {
      const status = (err.extensions['http'] as { status?: number } | undefined)?.status ?? 400;
      return fail(res, status, String(err.extensions['code']), err.message);
    }
    const mapped = publicCode(err);
    if (mapped.code === 'INTERNAL_SERVER_ERROR') {
      log(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return fail(res, 500, 'INTERNAL_SERVER_ERROR', 'internal server error');
    }
    fail(res, isStoreError(err, 'NOT_FOUND') ? 404 : 400, mapped.code, mapped.message ?? 'bad request');
  }
}

function fail(res: Response, status: number, code: string, message: string): void {
  if (res.headersSent) return;
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}
