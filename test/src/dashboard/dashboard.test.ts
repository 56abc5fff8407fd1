// The dashboard in a real browser (Debian's chromium driven by playwright-core) against a real
// server: start a search from the form, watch the Pareto plot gain points live, open a candidate,
// download its model and check its bytes, and the token field of a server that needs tokens.
// Screenshots go to test/artifacts/ (ignored by git). Skipped only when chromium is missing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { parseTokens } from '@frontier/api';
import { writeModel } from '@frontier/workers';
import { cnnModel } from '@frontier/workers/testing';
import { data, startTestServer, type TestServer } from '../support/api-server.js';
import { chromiumMissing, DASHBOARD_DIR, launchChromium, openPage, plotted, until } from '../support/browser.js';
import { repoRoot } from '../support/frontier-cli.js';

/** Between the fastest and the slowest recipes of this search on the STM32H7 (0.25–0.49 ms predicted). */
const MAX_LATENCY_MS = 0.4;
const ARTIFACTS = join(repoRoot, 'test', 'artifacts');

describe('the dashboard in chromium', { skip: chromiumMissing() }, () => {
  let browser: Browser;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });
  after(() => browser?.close());

  describe('without tokens', () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer({ dashboardDir: DASHBOARD_DIR });
    });
    after(() => t.stop());

    it('starts a search from the form, plots it live, opens a candidate and downloads its model', async () => {
      const { page, errors } = await openPage(browser, `${t.url}/`);
      await page.getByRole('heading', { name: 'Runs' }).waitFor();
      await page.getByText('No runs yet').waitFor();

      await page.getByRole('link', { name: 'New search', exact: true }).first().click();
      const { models } = await data(t.url, '{ models { id name } }');
      const mlp = (models as { id: string; name: string }[]).find((m) => m.name === 'fashion-mlp')!;
      await page.locator('#model').selectOption(mlp.id);
      await page.locator('#device').selectOption('stm32h7');
      await page.locator('#max-ram-kb').fill('256');
      await page.locator('#max-latency-ms').fill(String(MAX_LATENCY_MS));
      await page.locator('#budget-evaluations').fill('6');
      await page.locator('#sampler').selectOption('random');
      await page.locator('#seed').fill('4');
      await page.locator('#start-search').click();

      await page.waitForURL(/#\/runs\/[^/]+$/);
      const runId = decodeURIComponent(page.url().split('/').pop()!);
      // Marks this document: a reload would lose it, so points seen afterwards came in live.
      await page.evaluate(() => ((globalThis as Record<string, unknown>)['sameDocument'] = true));
      await page.locator('.live').waitFor({ timeout: 20_000 });
      await until(async () => (await plotted(page)) >= 1, 40_000, 'a first point on the plot');
      const first = await plotted(page);
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-run-first-point.png'), fullPage: true });
      await until(async () => (await plotted(page)) > first, 40_000, `more than ${first} point(s) on the plot`);
      assert.equal(await page.evaluate(() => (globalThis as Record<string, unknown>)['sameDocument']), true, 'the page was not reloaded');
      await page.locator('.page-head .badge', { hasText: 'DONE' }).waitFor({ timeout: 60_000 });

      // The plot agrees with the server: every DONE candidate of the run drawn, the limit drawn.
      const { run } = await data(t.url, `query($id: ID!) { run(id: $id) { status progress { done } front { members { id } }
        candidates(first: 50) { edges { node { id status latency { ms } estimates } } } } }`, { variables: { id: runId } });
      assert.equal(run.status, 'DONE');
      assert.equal(await plotted(page), run.progress.done);
      assert.ok(run.front.members.length > 0, 'the run found a front under the limits');
      // Infeasible, faded: measured over the limit, or ruled out by the pre-screen (drawn at their estimate).
      const nodes = (run.candidates.edges as { node: { id: string; status: string; latency: { ms: number } | null; estimates: { latencyMs?: number } | null } }[]).map((e) => e.node);
      const slow = nodes.filter((c) => c.status === 'DONE' && c.latency!.ms > MAX_LATENCY_MS).length;
      const ruledOut = nodes.filter((c) => c.status === 'INFEASIBLE' && c.estimates?.latencyMs !== undefined).length;
      assert.ok(slow + ruledOut > 0, 'the limit rules something out');
      assert.equal(Number(await page.locator('#pareto [data-infeasible]').getAttribute('data-infeasible')), slow + ruledOut, 'points past the limits drawn as infeasible');
      for (const [axis, label] of [['size', 'deployed size (KiB)'], ['latency', 'latency (ms)'], ['ram', 'peak RAM (KiB)']] as const) {
        await page.locator('#x-axis').selectOption(axis);
        await page.locator('#pareto', { hasText: label }).waitFor();
        assert.equal(await plotted(page), run.progress.done);
      }
      // Far beyond every point, the 256 KiB RAM limit is named instead of squashing the points.
      await page.locator('#pareto', { hasText: 'limit 256 KiB' }).waitFor();
      await page.locator('#x-axis').selectOption('latency');
      await page.locator('#pareto', { hasText: 'latency (ms)' }).waitFor();
      assert.equal(await page.locator('#pareto [stroke-dasharray]').count(), 1, 'the latency limit drawn as a dashed rule');
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-run.png'), fullPage: true });
      assert.equal(await page.locator('tr.on-front').count(), run.front.members.length);

      // A front member's page: recipe, metrics with their sources, the compression report.
      await page.locator('tr.on-front td a').first().click();
      await page.waitForURL(/#\/candidates\//);
      const candidateId = decodeURIComponent(page.url().split('/').pop()!);
      await page.getByRole('heading', { name: 'Compression report' }).waitFor();
      assert.ok(await page.locator('.badge.source-measured').count() >= 2, 'accuracy and file size marked MEASURED');
      assert.ok(await page.locator('.metrics .badge.source-predicted').count() >= 2, 'latency and peak RAM on the MCU marked PREDICTED');
      const { candidate } = await data(t.url, 'query($id: ID!) { candidate(id: $id) { recipe stages { stage } artifact { sha256 } } }', { variables: { id: candidateId } });
      assert.equal(await page.locator('table.stages tbody tr').count(), candidate.stages.length);
      assert.equal(candidate.stages.length, Object.keys(candidate.recipe).length, 'one report row per technique of the recipe');
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-candidate.png'), fullPage: true });

      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
      const saved = join(ARTIFACTS, 'downloaded-model.onnx');
      await download.saveAs(saved);
      const bytes = readFileSync(saved);
      assert.equal(createHash('sha256').update(bytes).digest('hex'), candidate.artifact.sha256);
      const stored = Buffer.from(await (await fetch(`${t.url}/artifacts/${candidate.artifact.sha256}`)).arrayBuffer());
      assert.ok(bytes.equals(stored), 'the downloaded file is the stored artifact');

      // A recipe the pre-screen ruled out shows the estimates it was judged by.
      const infeasible = nodes.find((c) => c.status === 'INFEASIBLE');
      assert.ok(infeasible, 'this seed proposes recipes past the latency limit');
      await page.goto(`${t.url}/#/candidates/${infeasible.id}`);
      await page.getByText('the pre-screen ruled it out').waitFor();
      assert.equal(await page.locator('.metrics td', { hasText: ' ms' }).count(), 1, 'its estimated latency');

      assert.deepEqual(errors, []);
    });
  });

  describe('with tokens (FRONTIER_TOKENS)', () => {
    const read = 'dashboard-read-token-0001';
    const write = 'dashboard-write-token-0001';
    let t: TestServer;
    before(async () => {
      t = await startTestServer({ dashboardDir: DASHBOARD_DIR, tokens: parseTokens(`read:${read},write:${write}`, 'test') });
    });
    after(() => t.stop());

    it('asks for a token, refuses a wrong one, shows live progress with a read token, uploads and searches with a write token', async () => {
      const { page, errors } = await openPage(browser, `${t.url}/`);
      await page.getByText('This server needs an access token').waitFor();
      await page.locator('#token-input').fill('not-a-token-of-this-server');
      await page.locator('#token-input').press('Enter');
      await page.getByText('unknown token').waitFor();
      // The refused request is the one console error expected here (the browser logs the 401).
      const refused = errors.splice(0).filter((e) => !/401/.test(e));
      assert.deepEqual(refused, []);

      await page.locator('#token-input').fill(read);
      await page.locator('#token-input').press('Enter');
      await page.getByText('No runs yet').waitFor();

      // A run started over the API with the write token; its page goes live with the read token.
      const { models } = await data(t.url, '{ models { id name } }', { token: read });
      const mlp = (models as { id: string; name: string }[]).find((m) => m.name === 'fashion-mlp')!;
      const { startSearch } = await data(t.url, `mutation($m: ID!) { startSearch(input: { modelId: $m, deviceId: "stm32h7", budget: { evaluations: 2 }, sampler: "random", seed: 1 }) { id } }`, { variables: { m: mlp.id }, token: write });
      await page.goto(`${t.url}/#/runs/${startSearch.id}`);
      await page.locator('.live').waitFor({ timeout: 20_000 });
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-token.png'), fullPage: true });

      // A read token may look but not start a search: the form says why.
      await page.goto(`${t.url}/#/new`);
      await page.locator('#start-search').click();
      await page.getByRole('alert').filter({ hasText: /write/ }).waitFor();
      assert.deepEqual(errors, []);

      // With the write token: a model uploaded from the form (a small CNN of random weights, bytes
      // no stored model has), searched at once, then cancelled.
      const upload = join(ARTIFACTS, 'upload-cnn.onnx');
      writeFileSync(upload, writeModel(cnnModel(5, [4, 8, 16])));
      await page.locator('#token-input').fill(write);
      await page.locator('#token-input').press('Enter');
      await page.locator('#model').selectOption('__upload__');
      await page.locator('#model-file').setInputFiles(upload);
      await page.locator('#model-name').fill('my-uploaded-cnn');
      await page.locator('#budget-evaluations').fill('20');
      await page.locator('#start-search').click();
      await page.waitForURL(/#\/runs\/[^/]+$/);
      await page.locator('.facts', { hasText: 'my-uploaded-cnn' }).waitFor();
      await page.locator('.live').waitFor({ timeout: 20_000 });
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-upload.png'), fullPage: true });
      await page.getByRole('button', { name: 'Cancel search' }).click();
      await page.locator('.page-head .badge', { hasText: 'CANCELLED' }).waitFor({ timeout: 20_000 });
      const { models: after } = await data(t.url, '{ models { name sha256 } }', { token: read });
      const uploaded = (after as { name: string; sha256: string }[]).find((m) => m.name === 'my-uploaded-cnn');
      assert.equal(uploaded?.sha256, createHash('sha256').update(readFileSync(upload)).digest('hex'));
      assert.deepEqual(errors, []);
    });
  });
});
