#!/usr/bin/env node
// Runs node's test runner over the compiled test files of every package (or of the packages named
// on the command line). Node 20's runner takes no globs and finds no files by folder, so the list
// is built here; the runner's own report is the output.
//
// Hermetic: the tests never see the environment that points Frontier at shared services
// (MONGODB_URI, FRONTIER_DATA, FRONTIER_API, FRONTIER_TOKEN, FRONTIER_REDIS_URL). A MongoDB server
// given in MONGODB_URI reaches the MongoDB store contract alone, as FRONTIER_TEST_MONGODB_URI;
// that suite works in databases of its own and drops them.
//
// Two phases: first every file but the few whose assertions depend on the machine's spare time
// or memory (a task timeout real work must beat, RSS growth), then those one at a time, so that
// they never compete with the multi-minute compression files for the same cores.
import { readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const all = ['workers', 'search', 'schema', 'api', 'client', 'test'];
/** Compiled files (relative to the root) whose thresholds assume an otherwise idle machine. */
const SENSITIVE = [
  'workers/dist/eval/no-leak.test.js', // RSS growth over 200 evaluations
  'workers/dist/pool/worker-pool.test.js', // 3 s task timeout
  'test/dist/search-faults.test.js', // a task timeout real evaluations and a heap-filling task must beat
];
const SHARED_SERVICES = ['MONGODB_URI', 'FRONTIER_DATA', 'FRONTIER_API', 'FRONTIER_TOKEN', 'FRONTIER_REDIS_URL'];

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

const env = { ...process.env };
for (const name of SHARED_SERVICES) delete env[name];
if (process.env.MONGODB_URI) env.FRONTIER_TEST_MONGODB_URI = process.env.MONGODB_URI;

const sensitive = new Set(SENSITIVE.map((f) => join(root, f)));
const phases = [
  { files: files.filter((f) => !sensitive.has(f)), flags: [] },
  { files: files.filter((f) => sensitive.has(f)), flags: ['--test-concurrency=1'] },
];
let status = 0;
for (const phase of phases) {
  if (phase.files.length === 0) continue;
  const result = spawnSync(
    process.execPath,
    ['--enable-source-maps', '--test', '--test-reporter=spec', ...phase.flags, ...phase.files],
    { stdio: 'inherit', cwd: root, env },
  );
  if (result.status !== 0) status = result.status ?? 1;
}
process.exit(status);
