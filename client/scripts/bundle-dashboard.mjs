#!/usr/bin/env node
// Bundles the dashboard (client/dashboard) into client/dist/dashboard: index.html, and the script
// and stylesheet named by their content hash, so that the server can let browsers cache them for
// good. Runs at build time (`npm run build -w client`, and the root `prepare` of `npm ci`):
// nothing is fetched when the page runs.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const client = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(client, 'dashboard');
const out = join(client, 'dist', 'dashboard');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: { app: join(source, 'src', 'main.ts'), style: join(source, 'style.css') },
  outdir: out,
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'esm',
  target: ['es2022'],
  platform: 'browser',
  metafile: true,
  logLevel: 'warning',
});

/** The hashed output file of an entry point. */
const outputOf = (entry) => {
  const [file] = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint?.endsWith(entry)) ?? [];
  if (!file) throw new Error(`esbuild wrote no output for ${entry}`);
  return basename(file);
};
const html = readFileSync(join(source, 'index.html'), 'utf8')
  .replace('{{app.js}}', outputOf('src/main.ts'))
  .replace('{{style.css}}', outputOf('style.css'));
writeFileSync(join(out, 'index.html'), html);
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
console.error(`dashboard bundled into ${out} (${(bytes / 1024).toFixed(0)} KiB with source maps)`);
