// Security and limits of the server, each refusal checked for its status and public code while
// the server keeps serving. A token-protected production server; no search runs here.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ApiError, parseTokens, startServer } from '@frontier/api';
import { openStore } from '@frontier/search';
import { gql, startTestServer, type TestServer } from '../support/api-server.js';
import { freshDataDir } from '../support/data-dir.js';
import { repoRoot } from '../support/frontier-cli.js';

const READ = 'read-token-0123456789abcdef';
const WRITE = 'write-token-0123456789abcdef';
const UPLOAD_LIMIT = 100_000;

/** Opens a graphql-ws connection and resolves with how it ended: acknowledged, or closed with a code. */
function connect(url: string, token?: string): Promise<{ acked: boolean; code?: number; reason?: string; socket: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: token ? { authorization: `Bearer ${token}` } : {} })));
    socket.on('message', (raw) => {
      if (JSON.parse(String(raw)).type === 'connection_ack') resolve({ acked: true, socket });
    });
    socket.on('close', (code, reason) => resolve({ acked: false, code, reason: String(reason), socket }));
    socket.on('error', reject);
  });
}

describe('frontier serve: security and limits', () => {
  let t: TestServer;
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/graphql`, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${READ}`, ...headers } });
  const codeOf = async (res: Response) => ((await res.json()) as { errors: { extensions?: { code?: string }; message: string }[] }).errors[0]!;
  const stillServing = async () => {
    const r = await gql(t.url, '{ health { ok } }', { token: READ });
    assert.deepEqual(r.body.data, { health: { ok: true } });
  };

  before(async () => {
    t = await startTestServer({
      tokens: parseTokens(`read:${READ},write:${WRITE}`, 'test tokens'),
      production: true,
      registerBuiltins: false,
      limits: { uploadBytes: UPLOAD_LIMIT, connectionsPerToken: 2 },
    });
  });
  after(() => t.stop());

  it('refuses requests without a token or with an unknown one (401 UNAUTHENTICATED)', async () => {
    for (const token of [undefined, 'not-a-known-token-at-all']) {
      const r = await gql(t.url, '{ health { ok } }', token ? { token } : {});
      assert.equal(r.status, 401);
      assert.equal(r.body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    }
    assert.equal((await fetch(`${t.url}/artifacts/${'a'.repeat(64)}`)).status, 401);
    await stillServing();
  });

  it('refuses writes with a read-only token (FORBIDDEN) and accepts them with a write token', async () => {
    const mutation = 'mutation { cancelSearch(runId: "nope") { id } }';
    const r = await gql(t.url, mutation, { token: READ });
    assert.equal(r.body.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const w = await gql(t.url, mutation, { token: WRITE });
    assert.equal(w.body.errors?.[0]?.extensions?.code, 'NOT_FOUND', 'a writer gets as far as looking the run up');
    const upload = await fetch(`${t.url}/models?name=x`, { method: 'POST', body: new Uint8Array(10), headers: { authorization: `Bearer ${READ}` } });
    assert.equal(upload.status, 403);
    assert.equal((await codeOf(upload)).extensions?.code, 'FORBIDDEN');
    const anonymous = await fetch(`${t.url}/models?name=x`, { method: 'POST', body: new Uint8Array(10) });
    assert.equal(anonymous.status, 401);
    await stillServing();
  });

  it('refuses a query past the depth limit, 20 aliases, too many tokens and too large a body', async () => {
    const deep = '{ runs { edges { node { front { members { run { front { members { run { model { name } } } } } } } } } } }';
    const depth = await post(JSON.stringify({ query: deep }));
    assert.equal(depth.status, 400);
    const depthError = await codeOf(depth);
    assert.equal(depthError.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(depthError.message, /depth/i);
    const aliases = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: health { ok }`).join(' ')} }`;
    const alias = await post(JSON.stringify({ query: aliases }));
    assert.equal(alias.status, 400);
    assert.match((await codeOf(alias)).message, /aliases/i);
    const tokens = await post(JSON.stringify({ query: `{ health { ${'ok '.repeat(2100)} } }` }));
    assert.equal(tokens.status, 400);
    assert.equal((await codeOf(tokens)).extensions?.code, 'GRAPHQL_PARSE_FAILED');
    const huge = await post(JSON.stringify({ query: '{ health { ok } }', variables: { pad: 'x'.repeat(1024 * 1024 + 10) } }));
    assert.equal(huge.status, 413);
    await stillServing();
  });

  it('refuses a batched array, a GET mutation and a text/plain POST (CSRF)', async () => {
    const batch = await post(JSON.stringify([{ query: '{ health { ok } }' }, { query: '{ health { ok } }' }]));
    assert.equal(batch.status, 400);
    assert.match(await batch.text(), /batching/i);
    const get = await fetch(`${t.url}/graphql?query=${encodeURIComponent('mutation { cancelSearch(runId: "x") { id } }')}`, {
      headers: { authorization: `Bearer ${WRITE}`, 'apollo-require-preflight': 'true' },
    });
    assert.equal(get.status, 405);
    const simpleGet = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ health { ok } }')}`, { headers: { authorization: `Bearer ${READ}` } });
    assert.equal(simpleGet.status, 400, 'a GET without a preflight header is refused as a possible CSRF');
    const text = await post(JSON.stringify({ query: '{ health { ok } }' }), { 'content-type': 'text/plain' });
    assert.equal(text.status, 400);
    assert.match(await text.text(), /Cross-Site Request Forgery/);
    await stillServing();
  });

  it('turns introspection and field suggestions off in production', async () => {
    const intro = await post(JSON.stringify({ query: '{ __schema { types { name } } }' }));
    assert.equal(intro.status, 400);
    const introError = await codeOf(intro);
    assert.equal(introError.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.match(introError.message, /introspection/i);
    const typo = await codeOf(await post(JSON.stringify({ query: '{ healt { ok } }' })));
    assert.doesNotMatch(typo.message, /Did you mean/);
    await stillServing();
  });

  it('refuses an oversized, a malformed and an unsupported model upload before storing anything', async () => {
    const auth = { authorization: `Bearer ${WRITE}`, 'content-type': 'application/octet-stream' };
    const big = await fetch(`${t.url}/models?name=big`, { method: 'POST', body: new Uint8Array(UPLOAD_LIMIT + 1), headers: auth });
    assert.equal(big.status, 413);
    assert.match((await codeOf(big)).message, new RegExp(`limit of ${UPLOAD_LIMIT} bytes`));
    const junk = await fetch(`${t.url}/models?name=junk`, { method: 'POST', body: new TextEncoder().encode('definitely not onnx'), headers: auth });
    assert.equal(junk.status, 400);
    const error = await codeOf(junk);
    assert.equal(error.extensions?.code, 'BAD_USER_INPUT');
    assert.match(error.message, /not an ONNX model/);
    // A valid ONNX file with operators outside the supported set (exported by PyTorch: GELU).
    const gelu = readFileSync(join(repoRoot, 'test', 'fixtures', 'torch-gelu-mlp.onnx'));
    const unsupported = await fetch(`${t.url}/models?name=gelu`, { method: 'POST', body: gelu, headers: auth });
    assert.equal(unsupported.status, 400);
    assert.match((await codeOf(unsupported)).message, /unsupported operators: Div \(node "\/Div"\); Erf \(node "\/Erf"\)/);
    const models = await gql(t.url, '{ models { id } }', { token: READ });
    assert.deepEqual(models.body.data, { models: [] });
  });

  it('authenticates WebSocket connections and caps them per token', async () => {
    const none = await connect(t.url);
    assert.equal(none.code, 4401);
    assert.match(none.reason ?? '', /needs a token/);
    const a = await connect(t.url, READ);
    const b = await connect(t.url, READ);
    assert.ok(a.acked && b.acked);
    const c = await connect(t.url, READ);
    assert.equal(c.code, 4403);
    assert.match(c.reason ?? '', /too many connections for this token \(limit 2\)/);
    const writer = await connect(t.url, WRITE);
    assert.ok(writer.acked, 'the cap is per token');
    for (const s of [a, b, writer]) s.socket.close();
    await stillServing();
  });
});

describe('frontier serve: refusals at start', () => {
  it('refuses a non-loopback host without tokens', async () => {
    const dataDir = freshDataDir('frontier-api-bind-');
    const store = await openStore({ dataDir, env: {} });
    try {
      await assert.rejects(startServer({ store, dataDir, host: '0.0.0.0', port: 0, registerBuiltins: false }), (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 'INSECURE_BIND');
        assert.match(err.message, /refusing to listen on 0\.0\.0\.0 without tokens/);
        return true;
      });
    } finally {
      await store.close();
    }
  });

  it('refuses malformed token lists, naming the entry but not the secret', () => {
    assert.throws(() => parseTokens('admin:abcdefghijklmnopq', 'FRONTIER_TOKENS'), /FRONTIER_TOKENS entry 1 must be read:TOKEN or write:TOKEN, got scope "admin"/);
    assert.throws(() => parseTokens('read:abcdefghijklmnopq,write:short', 'FRONTIER_TOKENS'), /entry 2 \(write\): a token must be at least 16 characters without spaces, got 5/);
    assert.throws(() => parseTokens(' , ', 'FRONTIER_TOKENS'), /holds no token/);
  });
});
