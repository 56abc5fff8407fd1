// `frontier serve`'s dashboard beside the API: the built bundle at `/`, the plain routes and GraphQL
// unchanged, and `/healthz` telling a page whether it needs a token. A real server and store.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseTokens } from '@frontier/api';
import { zooModelPath } from '@frontier/workers';
import { gql, startTestServer, type TestServer } from '../support/api-server.js';
import { DASHBOARD_DIR } from '../support/browser.js';

const READ = 'serving-read-token-0001';
const WRITE = 'serving-write-token-0001';

describe('the dashboard served beside the API', () => {
  let t: TestServer;
  let bare: TestServer;
  before(async () => {
    t = await startTestServer({ dashboardDir: DASHBOARD_DIR, tokens: parseTokens(`read:${READ},write:${WRITE}`, 'test'), registerBuiltins: false });
    bare = await startTestServer({ registerBuiltins: false });
  });
  after(async () => {
    await t.stop();
    await bare.stop();
  });

  it('serves the built page and its bundle, which holds no address outside the server', async () => {
    const page = await fetch(`${t.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    const html = await page.text();
    const script = /<script type="module" src="\/(app-[A-Z0-9]{8}\.js)"/.exec(html)?.[1];
    const style = /<link rel="stylesheet" href="\/(style-[A-Z0-9]{8}\.css)"/.exec(html)?.[1];
    assert.ok(script && style, `index.html names its hashed script and stylesheet:\n${html}`);
    const js = await fetch(`${t.url}/${script}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control')!, /immutable/);
    const code = await js.text();
    assert.ok(code.length > 10_000, 'the bundle holds the plotting library and the graphql-ws client');
    assert.doesNotMatch(code, /(src|href)=["']https?:\/\//, 'the page loads nothing from elsewhere');
    assert.equal((await fetch(`${t.url}/${style}`)).status, 200);
  });

  it('keeps /healthz open and says that tokens are needed; the other routes still ask for one', async () => {
    assert.deepEqual(await (await fetch(`${t.url}/healthz`)).json(), { ok: true, version: '0.1.0', tokens: true });
    assert.deepEqual(await (await fetch(`${bare.url}/healthz`)).json(), { ok: true, version: '0.1.0', tokens: false });
    const refused = await gql(t.url, '{ models { id } }');
    assert.equal(refused.status, 401);
    assert.equal(refused.body.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    assert.equal((await fetch(`${t.url}/artifacts/${'0'.repeat(64)}`)).status, 401);
  });

  it('keeps GraphQL, model upload and artifact download working with a token', async () => {
    const bytes = readFileSync(zooModelPath('fashion-mlp'));
    const up = await fetch(`${t.url}/models?name=served-mlp`, { method: 'POST', body: bytes, headers: { authorization: `Bearer ${WRITE}`, 'content-type': 'application/octet-stream' } });
    assert.equal(up.status, 201, await up.clone().text());
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const listed = await gql(t.url, '{ models { name sha256 } }', { token: READ });
    assert.deepEqual(listed.body.data, { models: [{ name: 'served-mlp', sha256 }] });
    const down = await fetch(`${t.url}/artifacts/${sha256}`, { headers: { authorization: `Bearer ${READ}` } });
    assert.ok(Buffer.from(await down.arrayBuffer()).equals(bytes));
  });

  it('serves no page at / when given no dashboard folder', async () => {
    assert.equal((await fetch(`${bare.url}/`)).status, 404);
  });
});
