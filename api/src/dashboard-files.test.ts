// The dashboard's static files: content types, caching by name, the page's security headers, and
// a clear error for a folder that is not a built dashboard. A real HTTP server over a temp folder.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { ApiError } from './api-error.js';
import { dashboardFiles } from './dashboard-files.js';

describe('dashboardFiles', () => {
  let dir: string;
  let server: Server;
  let base: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frontier-dashboard-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Frontier</title>');
    writeFileSync(join(dir, 'app-AB12CD34.js'), 'console.log(1)');
    writeFileSync(join(dir, 'style-ZX98YW76.css'), 'body{}');
    writeFileSync(join(dir, '.secret'), 'no');
    const app = express();
    app.use(dashboardFiles(dir));
    app.use((_req, res) => res.status(404).json({ next: true }));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / as HTML, revalidated on every load, with a same-origin content policy', async () => {
    const res = await fetch(`${base}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/html/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.ok(res.headers.get('etag'));
    assert.match(res.headers.get('content-security-policy')!, /default-src 'self'/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(await res.text(), '<!doctype html><title>Frontier</title>');
  });

  it('lets browsers keep content-hashed assets for a year, with their content types', async () => {
    const js = await fetch(`${base}/app-AB12CD34.js`);
    assert.match(js.headers.get('content-type')!, /^(text|application)\/javascript/);
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const css = await fetch(`${base}/style-ZX98YW76.css`);
    assert.match(css.headers.get('content-type')!, /^text\/css/);
    assert.equal(css.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  });

  it('passes what it does not hold to the next routes, dot files included', async () => {
    for (const path of ['/graphql', '/healthz', '/app.js', '/.secret']) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 404, path);
      assert.deepEqual(await res.json(), { next: true }, path);
    }
  });

  it('refuses a folder without index.html, naming it and the command that builds it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'frontier-dashboard-empty-'));
    try {
      assert.throws(() => dashboardFiles(empty), (err: unknown) => err instanceof ApiError && err.code === 'BAD_OPTION' && err.message.includes(empty) && err.message.includes('npm run build -w client'));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
