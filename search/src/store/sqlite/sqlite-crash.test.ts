// Crash durability of the SQLite store: a child process records results and is killed with
// SIGKILL at an arbitrary point, three times over the same data folder. Every result the child
// reported as written must be there, complete, and the database must be consistent.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore, sqliteDatabasePath } from './sqlite-store.js';
import { scene } from '../../testing/store-contract-data.js';

// Run the child the way this file runs: compiled JavaScript, or TypeScript through tsx.
const typescript = import.meta.url.endsWith('.ts');
const childPath = fileURLToPath(new URL(`./sqlite-crash-child.${typescript ? 'ts' : 'js'}`, import.meta.url));
const childArgs = typescript ? ['--import', 'tsx', childPath] : [childPath];

/** Starts the child, waits for `reports` ids, kills it with SIGKILL; returns the ids it reported. */
async function writeAndKill(dataDir: string, runId: string, round: number, reports: number): Promise<string[]> {
  const child = spawn(process.execPath, [...childArgs, dataDir, runId, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const reported: string[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    reported.push(line);
    if (reported.length === reports) child.kill('SIGKILL');
  }
  assert.equal(await exited, 'SIGKILL', `the child ended by itself: ${stderr}`);
  return reported;
}

it('keeps every result a SIGKILLed writer reported, in a consistent database', { timeout: 60_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'frontier-crash-'));
  try {
    const setup = await openSqliteStore({ dataDir });
    const { run } = await scene(setup);
    await setup.close();

    const reported: string[] = [];
    for (const [round, reports] of [[0, 12], [1, 7], [2, 20]] as const) {
      reported.push(...(await writeAndKill(dataDir, run.id, round, reports)));
    }

    const db = new Database(sqliteDatabasePath(dataDir));
    assert.deepEqual(db.prepare('PRAGMA integrity_check').all(), [{ integrity_check: 'ok' }]);
    assert.deepEqual(db.prepare('PRAGMA foreign_key_check').all(), []);
    db.close();

    const store = await openSqliteStore({ dataDir });
    const all = await store.listCandidates({ runId: run.id });
    const byId = new Map(all.map((c) => [c.id, c]));
    for (const id of reported) {
      const c = byId.get(id);
      assert.equal(c?.status, 'DONE', `reported result ${id} is missing or not DONE`);
      assert.equal((await store.getArtifact(c.artifactSha256!)).length, 65_536);
    }
    // Whatever was in flight at each kill is PENDING or RUNNING, never half-written DONE.
    for (const c of all) {
      if (c.status === 'DONE') assert.ok(c.metrics && c.artifactSha256 && (await store.hasArtifact(c.artifactSha256)));
      else assert.ok(c.status === 'PENDING' || c.status === 'RUNNING', `${c.id} is ${c.status}`);
    }
    assert.deepEqual(all.map((c) => c.seq), all.map((_, i) => i), 'seq has no gaps or repeats');
    const report = await store.requeueInterrupted({ maxAttempts: 3 });
    const progress = (await store.getRun(run.id)).progress;
    assert.equal(progress.running, 0);
    assert.equal(progress.done, all.filter((c) => c.status === 'DONE').length);
    assert.ok(progress.done >= reported.length);
    assert.equal(report.requeued.length, all.filter((c) => c.status === 'RUNNING').length);
    await store.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
