#!/usr/bin/env node
// Runs node's test runner over the compiled test files of every package (or of the packages named
// on the command line). Node 20's runner takes no globs and finds no files by folder, so the list
// is built here; the runner's own report is the output.
import { readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const all = ['workers', 'search', 'schema', 'api', 'client', 'test'];
const args = process.argv.slice(2);
const packages = args.length > 0 ? args : all;
const files = [];
for (const pkg of packages) {
  const dist = join(root, pkg, 'dist');
  if (!existsSync(dist)) continue;
  for (const entry of readdirSync(dist, { recursive: true })) {
    if (String(entry).endsWith('.test.js')) files.push(join(dist, String(entry)));
  }
}
files.sort();
if (files.length === 0) {
  console.error(`no compiled test files under ${packages.join(', ')}: run "npm run build" first`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--test', '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root },
);
process.exit(result.status ?? 1);
