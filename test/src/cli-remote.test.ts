// The store commands of the `frontier` binary, embedded and against a real server (HTTP + graphql-ws,
// SQLite store, worker pool) over the same data folder: the same output either way, `select` with
// its exit codes and lock file, unknown ids named. Real searches on the zoo MLP.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseTokens } from '@frontier/api';
import { select } from '@frontier/client';
import { zooModelPath } from '@frontier/workers';
import { data, startTestServer, type TestServer } from './support/api-server.js';
import { frontierAsync, type CliResult } from './support/frontier-cli.js';

/** A loopback port nothing listens on (one just released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('frontier CLI, embedded and remote', () => {
  let t: TestServer;
  let out: string;
  let runId: string;
  /** Runs a command embedded (`--data-dir`) and remote (`--api`). */
  const both = async (args: readonly string[]): Promise<{ embedded: CliResult; remote: CliResult }> => ({
    embedded: await frontierAsync([...args, '--data-dir', t.dataDir]),
    remote: await frontierAsync([...args, '--api', t.url]),
  });

  before(async () => {
    t = await startTestServer();
    out = mkdtempSync(join(tmpdir(), 'frontier-select-'));
  });
  after(async () => {
    await t.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('search --api prints the run id on stdout first, follows the run live and prints its front', async () => {
    const r = await frontierAsync(['search', '--api', t.url, '--model', 'fashion-mlp', '--device', 'stm32h7', '--budget', '4', '--sampler', 'random', '--seed', '4', '--max-ram-kb', '256']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^[0-9A-Z]{26}$/, 'the run id alone on the first line');
    runId = lines[0]!;
    assert.match(lines[1]!, new RegExp(`^run ${runId} DONE: 4 evaluated \\(\\d+ reused\\), 0 ruled out by the pre-screen, 0 failed`));
    // Progress came from the subscription: one line per finished candidate.
    assert.equal(r.stderr.match(/^\[\d\/4\] DONE /gm)?.length, 4, r.stderr);
    assert.match(r.stdout, /^1 {2}\S.*predicted ±\d+%/m);
  });

  it('runs, run, front, models and select print the same embedded and remote', async () => {
    const lock = join(out, 'same.lock.json');
    for (const [args, code] of [
      [['runs'], 0],
      [['runs', '--json'], 0],
      [['run', runId], 0],
      [['run', runId, '--json'], 0],
      [['front', '--model', 'fashion-mlp', '--device', 'stm32h7'], 0],
      [['front', '--model', 'fashion-mlp', '--device', 'stm32h7', '--max-ram-kb', '200', '--json'], 0],
      [['models', '--json'], 0],
      [['select', '--model', 'fashion-mlp', '--device', 'stm32h7', '--max-flash-kb', '500', '--out', join(out, 'same.onnx'), '--lock', lock], 0],
      [['select', '--model', 'fashion-mlp', '--device', 'stm32h7', '--max-latency-ms', '0.001', '--out', join(out, 'none.onnx')], 3],
    ] as const) {
      const { embedded, remote } = await both(args);
      assert.equal(embedded.code, code, `${args.join(' ')}: ${embedded.stderr}`);
      assert.equal(remote.code, code, `${args.join(' ')}: ${remote.stderr}`);
      assert.equal(embedded.stdout, remote.stdout, args.join(' '));
      assert.equal(embedded.stderr, remote.stderr, args.join(' '));
    }
    assert.match((await frontierAsync(['runs', '--api', t.url])).stdout, new RegExp(`^${runId} {2}DONE {4}fashion-mlp {2}stm32h7 {2}fashion-mnist {2}4/4 `, 'm'));
    const run = JSON.parse((await frontierAsync(['run', runId, '--json', '--api', t.url])).stdout).run;
    assert.equal(run.status, 'DONE');
    assert.ok(run.front.members.length > 0);
    assert.match(run.front.digest, /^[0-9a-f]{64}$/);
  });

  it('select exits 0 with the file and its metrics, the latency source shown; the Node select() gives the same file', async () => {
    const file = join(out, 'model.onnx');
    const r = await frontierAsync(['select', '--api', t.url, '--model', 'fashion-mlp', '--device', 'stm32h7', '--max-ram-kb', '256', '--prefer', 'size', '--out', file, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const chosen = JSON.parse(r.stdout);
    const bytes = readFileSync(file);
    assert.equal(sha256(bytes), chosen.lock.artifact.sha256);
    assert.equal(chosen.lock.candidate.metrics.latency.source, 'PREDICTED');
    // prefer size: no member of the front under the limit is smaller.
    const front = JSON.parse((await frontierAsync(['front', '--api', t.url, '--model', 'fashion-mlp', '--device', 'stm32h7', '--max-ram-kb', '256', '--json'])).stdout).front;
    assert.equal(Math.min(...front.map((c: { deployBytes: number }) => c.deployBytes)), chosen.lock.candidate.metrics.deployBytes);
    const text = await frontierAsync(['select', '--data-dir', t.dataDir, '--model', 'fashion-mlp', '--device', 'stm32h7', '--max-ram-kb', '256', '--prefer', 'size', '--out', file]);
    assert.match(text.stdout, /^ {2}val acc [\d.]+%, test acc [\d.]+%, latency [\d.]+ ms predicted ±\d+%, peak RAM/m);
    assert.match(text.stdout, new RegExp(`^wrote ${file} \\(sha256 ${chosen.lock.artifact.sha256}, ${bytes.length} bytes\\)$`, 'm'));

    const node = join(out, 'node.onnx');
    const viaNode = await select({ api: t.url, model: 'fashion-mlp', device: 'stm32h7', constraints: { maxRamKb: 256 }, prefer: 'size', out: node });
    assert.equal(viaNode.status, 'selected');
    assert.deepEqual(readFileSync(node), bytes);
    const none = await select({ dataDir: t.dataDir, model: 'fashion-mlp', device: 'stm32h7', constraints: { maxLatencyMs: 0.001 }, out: join(out, 'never.onnx') });
    assert.equal(none.status, 'unsatisfied');
  });

  it('select exits 3 naming the nearest misses, and writes nothing', async () => {
    const file = join(out, 'impossible.onnx');
    const { embedded, remote } = await both(['select', '--model', 'fashion-mlp', '--device', 'stm32h7', '--max-latency-ms', '0.001', '--max-ram-kb', '0.5', '--out', file]);
    for (const r of [embedded, remote]) {
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /^frontier: nothing stored for fashion-mlp on stm32h7 meets latency ≤ 0\.001 ms, peak RAM ≤ 0\.5 KiB \(front version \d+\); nearest: candidate \w+ /);
      assert.match(r.stderr, /^ {2}misses maxLatencyMs: [\d.]+ ms > limit 0\.001 ms, over by [\d.]+ ms \(\+[\d.]+%\)$/m);
      assert.match(r.stderr, /^ {2}misses maxRamKb: [\d.]+ KiB > limit 0\.5 KiB, over by [\d.]+ KiB \(\+[\d.]+%\)$/m);
      assert.equal(r.stdout, '');
    }
    assert.equal(existsSync(file), false);
    const json = await frontierAsync(['select', '--api', t.url, '--model', 'fashion-mlp', '--device', 'stm32h7', '--min-accuracy', '0.999', '--out', file, '--json']);
    assert.equal(json.code, 3);
    const r = JSON.parse(json.stdout);
    assert.equal(r.status, 'unsatisfied');
    assert.equal(r.unsatisfied[0].constraint, 'minAccuracy');
    assert.ok(Math.abs(r.unsatisfied[0].excess - (0.999 - r.nearest.accuracy)) < 1e-9);
  });

  it('select exits 1 on errors and 2 on bad usage', async () => {
    const file = join(out, 'error.onnx');
    const { embedded, remote } = await both(['select', '--model', 'nosuch', '--device', 'stm32h7', '--out', file]);
    for (const r of [embedded, remote]) {
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^frontier: no model "nosuch" in .*; models: .*fashion-mlp \(\w+\)/);
    }
    const device = await frontierAsync(['select', '--api', t.url, '--model', 'fashion-mlp', '--device', 'toaster', '--out', file]);
    assert.equal(device.code, 1);
    assert.match(device.stderr, /unknown device "toaster" in the server .*; devices: .*stm32h7/);
    const accuracy = await frontierAsync(['select', '--api', t.url, '--model', 'fashion-mlp', '--device', 'stm32h7', '--min-accuracy', '2', '--out', file]);
    assert.equal(accuracy.code, 1);
    assert.match(accuracy.stderr, /minAccuracy/);
    const usage = await frontierAsync(['select', '--api', t.url, '--device', 'stm32h7', '--out', file]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /select needs --model and --device/);
    const prefer = await frontierAsync(['select', '--api', t.url, '--model', 'fashion-mlp', '--device', 'stm32h7', '--prefer', 'cheapest', '--out', file]);
    assert.equal(prefer.code, 2);
    const port = await closedPort();
    const unreachable = await frontierAsync(['select', '--api', `http://127.0.0.1:${port}`, '--model', 'fashion-mlp', '--device', 'stm32h7', '--out', file]);
    assert.equal(unreachable.code, 1);
    assert.equal(unreachable.stderr, `frontier: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`);
    assert.equal(existsSync(file), false);
  });

  it('--locked fetches exactly the locked bytes, refuses other criteria, and fails when the artifact changed or is gone', async () => {
    const lock = join(out, 'frontier.lock.json');
    const first = join(out, 'first.onnx');
    const criteria = ['--model', 'fashion-mlp', '--device', 'stm32h7', '--max-flash-kb', '500'];
    const chosen = await frontierAsync(['select', '--api', t.url, ...criteria, '--out', first, '--lock', lock]);
    assert.equal(chosen.code, 0, chosen.stderr);
    const locked = JSON.parse(readFileSync(lock, 'utf8'));
    assert.equal(locked.artifact.sha256, sha256(readFileSync(first)));
    assert.match(locked.front.digest, /^[0-9a-f]{64}$/);
    assert.deepEqual(locked.criteria.constraints, { maxFlashKb: 500 });

    for (const where of [['--api', t.url], ['--data-dir', t.dataDir]]) {
      const again = join(out, `again-${where[0]!.slice(2)}.onnx`);
      const r = await frontierAsync(['select', ...where, ...criteria, '--out', again, '--lock', lock, '--locked']);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(readFileSync(again), readFileSync(first));
      const other = await frontierAsync(['select', ...where, '--model', 'fashion-mlp', '--device', 'stm32h7', '--max-flash-kb', '100', '--out', again, '--lock', lock, '--locked']);
      assert.equal(other.code, 1);
      assert.match(other.stderr, /was written for limits \{"maxFlashKb":500\}, not \{"maxFlashKb":100\}: select without --locked/);
    }

    const missing = await frontierAsync(['select', '--api', t.url, '--out', join(out, 'x.onnx'), '--lock', join(out, 'missing.lock.json'), '--locked']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no lock file .*missing\.lock\.json: select once without --locked/);

    // The stored artifact's bytes change (same size): the lock's sha256 no longer matches.
    const sha = locked.artifact.sha256 as string;
    const path = join(t.dataDir, 'artifacts', sha.slice(0, 2), sha);
    const original = readFileSync(path);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0xff;
    writeFileSync(path, tampered);
    for (const where of [['--api', t.url], ['--data-dir', t.dataDir]]) {
      const target = join(out, 'changed.onnx');
      const r = await frontierAsync(['select', ...where, '--out', target, '--lock', lock, '--locked']);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, new RegExp(`the locked model file \\(candidate ${locked.candidate.id}, .*\\) changed: .*${sha}`));
      assert.equal(existsSync(target), false, 'nothing written');
    }
    // Gone: never another candidate instead.
    unlinkSync(path);
    for (const where of [['--api', t.url], ['--data-dir', t.dataDir]]) {
      const r = await frontierAsync(['select', ...where, '--out', join(out, 'gone.onnx'), '--lock', lock, '--locked']);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`the locked model file .* is gone: no artifact ${sha}`));
    }
    assert.equal(existsSync(join(out, 'gone.onnx')), false);
    writeFileSync(path, original);
  });

  it('sends FRONTIER_TOKEN: without it a server with tokens refuses, a read token reads but cannot upload', async () => {
    const read = 'r'.repeat(20);
    const write = 'w'.repeat(20);
    const guarded = await startTestServer({ tokens: parseTokens(`read:${read},write:${write}`, 'test'), registerBuiltins: false });
    try {
      const anonymous = await frontierAsync(['runs', '--api', guarded.url]);
      assert.equal(anonymous.code, 1);
      assert.match(anonymous.stderr, /^frontier: .*token/i);
      const reader = await frontierAsync(['runs', '--api', guarded.url], { FRONTIER_TOKEN: read });
      assert.equal(reader.code, 0, reader.stderr);
      assert.equal(reader.stdout, 'no runs yet (start one with `frontier search`)\n');
      const upload = await frontierAsync(['models', 'add', zooModelPath('fashion-mlp'), '--api', guarded.url], { FRONTIER_TOKEN: read });
      assert.equal(upload.code, 1);
      assert.match(upload.stderr, /needs a write token/);
    } finally {
      await guarded.stop();
    }
  });

  it('unknown run, model and device ids exit 1 naming what exists; front --device nosuch too', async () => {
    for (const [args, message] of [
      [['run', 'nosuch'], new RegExp(`no run "nosuch" in .*; runs, newest first: ${runId} \\(DONE\\)`)],
      [['cancel', 'nosuch'], new RegExp(`no run "nosuch" in .*; runs, newest first: ${runId} \\(DONE\\)`)],
      [['front', '--model', 'fashion-mlp', '--device', 'nosuch'], /unknown device "nosuch" in .*; devices: .*stm32h7/],
      [['front', '--model', 'nosuch', '--device', 'stm32h7'], /no model "nosuch" in .*; models: .*fashion-cnn \(\w+\), fashion-mlp \(\w+\)/],
    ] as const) {
      const { embedded, remote } = await both(args);
      for (const r of [embedded, remote]) {
        assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
        assert.equal(r.stdout, '');
      }
    }
  });

  it('models add registers a file (once: the same bytes give the same model); cancel stops a run, keeping what it found', async () => {
    const { embedded, remote } = await both(['models', 'add', join(out, 'first.onnx'), '--name', 'shipped', '--json']);
    assert.equal(embedded.code, 0, embedded.stderr);
    assert.equal(remote.code, 0, remote.stderr);
    assert.equal(JSON.parse(embedded.stdout).model.id, JSON.parse(remote.stdout).model.id);
    assert.equal(JSON.parse(remote.stdout).model.name, 'shipped');
    const junk = join(out, 'junk.onnx');
    writeFileSync(junk, 'not a model');
    const bad = await frontierAsync(['models', 'add', junk, '--api', t.url]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /not an ONNX model/);

    const search = frontierAsync(['search', '--api', t.url, '--model', 'fashion-mlp', '--device', 'stm32h7', '--budget', '200', '--sampler', 'random', '--seed', '9']);
    let running: string | undefined;
    while (!running) {
      const { runs } = await data(t.url, '{ runs(status: RUNNING) { edges { node { id progress { done } } } } }');
      running = runs.edges.find((e: { node: { progress: { done: number } } }) => e.node.progress.done >= 1)?.node.id;
      if (!running) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const cancelled = await frontierAsync(['cancel', running, '--api', t.url]);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.match(cancelled.stdout, new RegExp(`^run ${running} CANCELLED: [1-9]\\d* evaluated`));
    // The follower sees the run end and prints what it found.
    const followed = await search;
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stdout, new RegExp(`^${running}\\nrun ${running} CANCELLED: `));
    const again = await frontierAsync(['cancel', running, '--data-dir', t.dataDir]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /run \w+ is already CANCELLED; only a QUEUED or RUNNING run can be cancelled/);
  });
});
