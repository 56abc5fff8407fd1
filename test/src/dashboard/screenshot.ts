// Takes the README's dashboard screenshot from a real search: `node test/dist/dashboard/screenshot.js
// [out.png]` (default docs/dashboard.png) starts a server on a fresh data folder, runs a search of
// the zoo MLP for the STM32H7 under latency and RAM limits, and shoots its run page with the recipe
// of a front member under the pointer.
import { join } from 'node:path';
import { data, startTestServer } from '../support/api-server.js';
import { DASHBOARD_DIR, launchChromium, openPage, plotted, until } from '../support/browser.js';
import { repoRoot } from '../support/frontier-cli.js';

const out = process.argv[2] ?? join(repoRoot, 'docs', 'dashboard.png');
const t = await startTestServer({ dashboardDir: DASHBOARD_DIR });
const browser = await launchChromium();
try {
  const { models } = await data(t.url, '{ models { id name } }');
  const mlp = (models as { id: string; name: string }[]).find((m) => m.name === 'fashion-mlp')!;
  const { startSearch } = await data(t.url, `mutation($m: ID!) { startSearch(input: { modelId: $m, deviceId: "stm32h7", budget: { evaluations: 24 },
    constraints: { maxLatencyMs: 0.4, maxRamKb: 256 }, seed: 7 }) { id } }`, { variables: { m: mlp.id } });
  const { page, errors } = await openPage(browser, `${t.url}/#/runs/${startSearch.id}`);
  await page.locator('.page-head .badge', { hasText: 'DONE' }).waitFor({ timeout: 600_000 });
  await until(async () => (await plotted(page)) > 0, 10_000, 'the plot');
  // The pointer on a front member, so that its recipe shows.
  const dot = page.locator('#pareto svg [aria-label="dot"] circle[fill="#1f6feb"]').nth(1);
  await dot.hover({ force: true });
  await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1280, height: 720 } });
  if (errors.length > 0) throw new Error(`the page logged errors:\n${errors.join('\n')}`);
  process.stderr.write(`wrote ${out}\n`);
} finally {
  await browser.close();
  await t.stop();
}
