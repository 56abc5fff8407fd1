// The dashboard in a real browser (Debian's chromium driven by playwright-core) against a real
// server: start a search from the form, watch the Pareto plot gain points live, open a candidate,
// download its model and check its bytes; choose a registered dataset in the form (and see the
// server refuse one the model cannot take); and the token field of a server that needs tokens.
// Screenshots go to test/artifacts/ (ignored by git). Skipped only when chromium is missing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { parseTokens } from '@frontier/api';
import { writeModel } from '@frontier/workers';
import { cnnModel, writeSyntheticImageFolder } from '@frontier/workers/testing';
import { data, gql, startTestServer, type TestServer } from '../support/api-server.js';
import { chromiumMissing, DASHBOARD_DIR, launchChromium, openPage, plotted, until } from '../support/browser.js';
import { repoRoot } from '../support/frontier-cli.js';

/** Between the fastest and the slowest recipes of this search on the STM32H7 (0.25–0.49 ms predicted). */
const MAX_LATENCY_MS = 0.4;
const ARTIFACTS = join(repoRoot, 'test', 'artifacts');

interface Registered {
  readonly id: string;
  readonly name: string;
  readonly sha256: string;
}

/**
 * Registers a small synthetic image folder (`classes` classes × 8 images of `size`) over the API,
 * as a user would before opening the dashboard.
 */
async function registerImageFolder(t: TestServer, o: { name: string; size: readonly [number, number]; classes: number }): Promise<Registered> {
  const root = join(t.dataDir, 'images', o.name);
  await writeSyntheticImageFolder({ root, perClass: 8, size: o.size, classes: Array.from({ length: o.classes }, (_, k) => `class-${k}`) });
  const { registerDataset } = await data(t.url, 'mutation($n: String!, $p: String!) { registerDataset(input: { name: $n, path: $p }) { id name sha256 } }', { variables: { n: o.name, p: root } });
  return registerDataset as Registered;
}

describe('the dashboard in chromium', { skip: chromiumMissing() }, () => {
  let browser: Browser;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium();
  });
  after(() => browser?.close());

  describe('without tokens', () => {
    let t: TestServer;
    /**
     * Images the zoo's fashion-mlp takes (input [1, 1, 28, 28]: 3 channels become gray; 10 classes,
     * as it predicts), and images it does not.
     */
    let fits: Registered;
    let misfits: Registered;
    before(async () => {
      t = await startTestServer({ dashboardDir: DASHBOARD_DIR });
      fits = await registerImageFolder(t, { name: 'shapes-28', size: [28, 28], classes: 10 });
      misfits = await registerImageFolder(t, { name: 'shapes-16', size: [16, 16], classes: 3 });
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
      // The built-in dataset first and chosen, then the registered ones with their classes, images and shape.
      const options = await page.locator('#dataset option').evaluateAll((os) => os.map((o) => ({ value: o.getAttribute('value') ?? '', text: o.textContent ?? '' })));
      assert.deepEqual(options.map((o) => o.value), ['', misfits.id, fits.id], 'built in, then by name');
      assert.match(options[0]!.text, /^fashion-mnist — 10 classes, 70\.0 k images of \[1, 28, 28\]/);
      assert.match(options[2]!.text, /^shapes-28 — 10 classes, 80 images of \[3, 28, 28\]/);
      assert.equal(await page.locator('#dataset').inputValue(), '');
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
      const { run } = await data(t.url, `query($id: ID!) { run(id: $id) { status dataset registeredDataset { id } progress { done } front { members { id } }
        candidates(first: 50) { edges { node { id status latency { ms } estimates } } } } }`, { variables: { id: runId } });
      assert.equal(run.status, 'DONE');
      assert.deepEqual([run.dataset, run.registeredDataset], ['fashion-mnist', null], 'the form left the dataset to the server default');
      await page.locator('#run-dataset', { hasText: 'fashion-mnist' }).waitFor();
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

    it('searches on the registered dataset chosen in the form, and shows the server\'s refusal of one the model cannot take', async () => {
      const { page, errors } = await openPage(browser, `${t.url}/#/new`);
      const { models } = await data(t.url, '{ models { id name } }');
      const mlp = (models as { id: string; name: string }[]).find((m) => m.name === 'fashion-mlp')!;
      await page.locator('#model').selectOption(mlp.id);
      assert.equal(await page.locator('#model-file').isVisible(), false, 'the upload fields show only for "Upload an ONNX file…"');
      await page.locator('#dataset').selectOption(misfits.id);
      await page.locator('#shapes', { hasText: 'model input [1, 1, 28, 28] · dataset images [3, 16, 16]' }).waitFor();
      await page.locator('#budget-evaluations').fill('2');
      await page.locator('#sampler').selectOption('random');
      const before = (await data(t.url, '{ runs { totalCount } }')).runs.totalCount as number;

      // The server checks the shapes at run creation; the form shows its message, word for word.
      await page.locator('#start-search').click();
      const alert = page.locator('#search-form [role=alert]');
      await alert.waitFor();
      const refused = await gql(t.url, 'mutation($m: ID!, $d: ID!) { startSearch(input: { modelId: $m, deviceId: "stm32h7", datasetId: $d, budget: { evaluations: 2 } }) { id } }', { variables: { m: mlp.id, d: misfits.id } });
      const message = refused.body.errors?.[0]?.message ?? '';
      assert.match(message, /the model's input \[1, 1, 28, 28\] does not take the dataset's images \[3, 16, 16\]/);
      assert.equal(await alert.textContent(), message);
      assert.match(page.url(), /#\/new$/, 'the form stays, to choose again');
      assert.equal(await page.locator('#start-search').isEnabled(), true);
      assert.equal((await data(t.url, '{ runs { totalCount } }')).runs.totalCount, before, 'no run created');
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-dataset-refused.png'), fullPage: true });

      await page.locator('#dataset').selectOption(fits.id);
      await page.locator('#shapes', { hasText: 'dataset images [3, 28, 28]' }).waitFor();
      await page.locator('#start-search').click();
      await page.waitForURL(/#\/runs\/[^/]+$/);
      const runId = decodeURIComponent(page.url().split('/').pop()!);
      const { run } = await data(t.url, 'query($id: ID!) { run(id: $id) { dataset registeredDataset { id name sha256 } model { id } } }', { variables: { id: runId } });
      assert.equal(run.dataset, fits.id, 'the run searches on the dataset chosen');
      assert.deepEqual(run.registeredDataset, { id: fits.id, name: 'shapes-28', sha256: fits.sha256 });
      assert.equal(run.model.id, mlp.id);
      const shown = page.locator('#run-dataset');
      await shown.filter({ hasText: /^shapes-28 — 10 classes, 80 images of \[3, 28, 28\]/ }).waitFor();
      assert.equal(await shown.getAttribute('data-dataset-id'), fits.id);
      await page.locator('.page-head .badge', { hasText: 'DONE' }).waitFor({ timeout: 60_000 });
      const { run: done } = await data(t.url, 'query($id: ID!) { run(id: $id) { progress { done } candidates { edges { node { status accuracy failure } } } } }', { variables: { id: runId } });
      assert.equal(done.progress.done, 2, `both evaluations ran on its images: ${JSON.stringify(done)}`);
      // The accuracy axis spans what was measured, in percent, even when every value is the same
      // (near chance on these few synthetic images).
      const accuracies = (done.candidates.edges as { node: { accuracy: number } }[]).map((e) => e.node.accuracy * 100);
      const ticks = (await page.locator('#pareto [aria-label="y-axis tick label"] text').allTextContents()).map(Number);
      assert.ok(ticks.length >= 2 && ticks.every(Number.isFinite), `y ticks ${JSON.stringify(ticks)}`);
      assert.ok(Math.min(...ticks) <= Math.min(...accuracies) && Math.max(...accuracies) <= Math.max(...ticks), `y ticks ${JSON.stringify(ticks)} span ${JSON.stringify(accuracies)}`);
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-run-dataset.png'), fullPage: true });
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
      // The refused request is the one console error expected here (the browser logs the 401). Its
      // record arrives once the response body is read, which can be after the page shows the message.
      await page.waitForLoadState('networkidle');
      await until(() => Promise.resolve(errors.some((e) => /401/.test(e))), 10_000, 'the 401 to be recorded');
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
