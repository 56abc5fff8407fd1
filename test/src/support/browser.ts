import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './frontier-cli.js';

/** Debian's chromium (playwright's own browser download is not reachable here). */
export const CHROMIUM = process.env['FRONTIER_CHROMIUM'] ?? '/usr/bin/chromium';

/** The dashboard as `npm run build -w client` bundles it. */
export const DASHBOARD_DIR = join(repoRoot, 'client', 'dist', 'dashboard');

/** Why browser tests cannot run here, or false when they can. */
export function chromiumMissing(): string | false {
  return existsSync(CHROMIUM) ? false : `no chromium at ${CHROMIUM}: install it with "apt-get install chromium" (.ci/run does) or point FRONTIER_CHROMIUM at one`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** A page at `url` that records console errors, uncaught exceptions and refused requests. */
export async function openPage(browser: Browser, url: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`page: ${err.message}`));
  // Recorded as the response arrives (reading its body first would record it after the page has
  // already reacted to it, racing the test that checks the page); the body goes to the test's log.
  page.on('response', (res) => {
    if (res.status() < 400) return;
    errors.push(`response ${res.status()} ${res.url()}`);
    void res.text().then((body) => console.error(`response ${res.status()} ${res.url()}: ${body.slice(0, 300)}`), () => {});
  });
  await page.goto(url);
  return { page, errors };
}

/** The number of measured points the run page's plot draws now (0 before it is drawn). */
export async function plotted(page: Page): Promise<number> {
  const plot = page.locator('#pareto [data-points]');
  return (await plot.count()) === 0 ? 0 : Number(await plot.getAttribute('data-points'));
}

/** Polls `condition` until it holds; fails naming what was awaited once `ms` have passed. */
export async function until(condition: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited ${ms / 1000} s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
