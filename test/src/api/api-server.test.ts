// The GraphQL platform end to end: a real server (Apollo + graphql-ws, SQLite store, worker pool)
// on an ephemeral port, driven with node's fetch and a graphql-ws client; real searches on the
// zoo MLP.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { zooModelPath } from '@frontier/workers';
import WebSocket from 'ws';
import { collect, data, gql, startTestServer, wsClient, type TestServer } from '../support/api-server.js';

const PROGRESS = `subscription($runId: ID!) { searchProgress(runId: $runId) {
  kind run { id status progress { total done failed } } candidate { id status accuracy } front { version members { id accuracy peakRamBytes } } } }`;

interface Progress {
  searchProgress: {
    kind: string;
    run: { id: string; status: string; progress: { total: number; done: number; failed: number } };
    candidate: { id: string; status: string; accuracy: number | null } | null;
    front: { version: number; members: { id: string; accuracy: number; peakRamBytes: number }[] } | null;
  };
}

describe('frontier serve: queries, mutations and live progress', () => {
  let t: TestServer;
  let mlp: { id: string; sha256: string };
  let finishedRun: string;

  const start = (budget: number, extra = '') =>
    data(t.url, `mutation($m: ID!) { startSearch(input: { modelId: $m, deviceId: "stm32h7", budget: { evaluations: ${budget} }, sampler: "random", seed: 4,
      constraints: { maxRamKb: 256 } ${extra} }) { id status } }`, { variables: { m: mlp.id } });

  const logged: string[] = [];
  const SEND_BUFFER = 256 * 1024;

  before(async () => {
    t = await startTestServer({ countCalls: true, limits: { sendBufferBytes: SEND_BUFFER }, log: (line) => logged.push(line) });
    const { models } = await data(t.url, '{ models { id name sha256 } }');
    mlp = models.find((m: { name: string }) => m.name === 'fashion-mlp');
  });
  after(() => t.stop());

  it('answers health, devices, device, models and model; registers the zoo and catalogue at first start', async () => {
    const d = await data(t.url, `query($m: ID!) { health { ok version store poolThreads runsActive }
      devices { id ramBytes storageBytes calibrated kind } device(id: "stm32h7") { name ramBytes } unknown: device(id: "toaster") { id }
      models { name params macs classes inputShape baselineAccuracy coverage artifact { sha256 url } } model(id: $m) { name sha256 } }`, { variables: { m: mlp.id } });
    assert.deepEqual(d.health, { ok: true, version: '0.1.0', store: 'sqlite', poolThreads: 2, runsActive: 0 });
    assert.deepEqual(d.devices.map((x: { id: string }) => x.id).sort(), ['edge-tpu', 'esp32-s3', 'host', 'rpi4', 'stm32h7', 'stm32l4r5', 'stm32u5']);
    assert.equal(d.device.ramBytes, 512 * 1024);
    assert.equal(d.unknown, null);
    assert.deepEqual(d.models.map((m: { name: string }) => m.name), ['fashion-cnn', 'fashion-mlp']);
    const m = d.models[1];
    assert.deepEqual(m.inputShape, [1, 1, 28, 28]);
    assert.equal(m.classes, 10);
    assert.ok(m.baselineAccuracy > 0.85, `baseline ${m.baselineAccuracy}`);
    assert.equal(m.artifact.sha256, createHash('sha256').update(readFileSync(zooModelPath('fashion-mlp'))).digest('hex'));
    assert.equal(m.artifact.url, `${t.url}/artifacts/${m.artifact.sha256}`);
    assert.deepEqual(d.model, { name: 'fashion-mlp', sha256: mlp.sha256 });
  });

  it('registerDevice stores a valid spec and refuses an invalid one naming the problem', async () => {
    const { device } = await data(t.url, '{ device(id: "stm32h7") { spec } }');
    const spec = { ...device.spec, id: 'my-board', name: 'My board', ramBytes: 300 * 1024 };
    const r = await data(t.url, 'mutation($s: JSON!) { registerDevice(spec: $s) { id name ramBytes } }', { variables: { s: spec } });
    assert.deepEqual(r.registerDevice, { id: 'my-board', name: 'My board', ramBytes: 300 * 1024 });
    const bad = await gql(t.url, 'mutation($s: JSON!) { registerDevice(spec: $s) { id } }', { variables: { s: { ...spec, ramBytes: -1 } } });
    assert.equal(bad.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(bad.body.errors[0].message, /ramBytes/);
    const notObject = await gql(t.url, 'mutation { registerDevice(spec: [1, 2]) { id } }');
    assert.equal(notObject.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });

  it('streams a real search live: SNAPSHOT first, candidates and front changes, completes when the run ends', async () => {
    const { startSearch } = await start(3);
    assert.equal(startSearch.status, 'QUEUED');
    const client = wsClient(t.url);
    try {
      const events = await collect<Progress>(client, PROGRESS, { runId: startSearch.id });
      const kinds = events.map((e) => e.searchProgress.kind);
      assert.equal(kinds[0], 'SNAPSHOT');
      assert.ok(kinds.includes('CANDIDATE'), kinds.join());
      assert.ok(kinds.includes('FRONT'), kinds.join());
      const last = events.at(-1)!.searchProgress;
      assert.equal(last.kind, 'STATUS');
      assert.equal(last.run.status, 'DONE');
      assert.equal(last.run.progress.done + last.run.progress.failed, 3);
      for (const e of events.filter((x) => x.searchProgress.kind === 'FRONT')) {
        assert.ok(e.searchProgress.front!.members.length >= 1);
        for (const m of e.searchProgress.front!.members) assert.ok(m.peakRamBytes <= 256 * 1024, 'front events honour the run limits');
      }
      finishedRun = startSearch.id;
    } finally {
      await client.dispose();
    }
  });

  it('gives a late subscriber the snapshot of a finished run, then completes', async () => {
    const client = wsClient(t.url);
    try {
      const events = await collect<Progress>(client, PROGRESS, { runId: finishedRun });
      assert.equal(events.length, 1);
      assert.equal(events[0]!.searchProgress.kind, 'SNAPSHOT');
      assert.equal(events[0]!.searchProgress.run.status, 'DONE');
      assert.ok(events[0]!.searchProgress.front!.members.length >= 1);
      await assert.rejects(collect(client, PROGRESS, { runId: 'no-such-run' }), /NOT_FOUND|no run/);
    } finally {
      await client.dispose();
    }
  });

  it('closes a subscriber that stops reading once its send buffer passes the limit, and keeps serving', async () => {
    const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => {
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
      socket.once('message', () => resolve());
    });
    // Stop reading: the kernel buffers fill, then the server's own send buffer grows.
    (socket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const query = `subscription($r: ID!) { searchProgress(runId: $r) { kind run { model { coverage } candidates(first: 100) { edges { node { id recipe estimates createdAt } } } } } }`;
    for (let i = 0; i < 4000 && !logged.some((l) => l.startsWith('closing a subscriber')); i++) {
      socket.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query, variables: { r: finishedRun } } }));
      if (i % 200 === 199) await new Promise((r) => setTimeout(r, 100));
    }
    (socket as unknown as { _socket: { resume(): void } })._socket.resume();
    assert.ok([1008, 1006].includes(await closed), 'closed as too slow (or cut off after the close frame could not be sent)');
    assert.ok(logged.some((l) => new RegExp(`closing a subscriber \\d+ bytes behind \\(limit ${SEND_BUFFER}\\)`).test(l)), logged.join('\n'));
    assert.equal((await gql(t.url, '{ health { ok } }')).status, 200);
  });

  it('pages runs and candidates, and answers run, candidate, paretoFront and select', async () => {
    const page = await data(t.url, `query($r: ID!) { runs(first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } }
      done: runs(status: DONE) { totalCount } run(id: $r) { status objectives constraints { maxRamKb } budget { evaluations }
      candidates(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { node { id seq } } } } }`, { variables: { r: finishedRun } });
    assert.equal(page.runs.edges.length, 1);
    assert.equal(page.done.totalCount, 1);
    assert.deepEqual(page.run.constraints, { maxRamKb: 256 });
    assert.deepEqual(page.run.objectives, ['accuracy', 'latencyMs', 'deployBytes']);
    assert.equal(page.run.candidates.totalCount, 3);
    assert.deepEqual(page.run.candidates.edges.map((e: { node: { seq: number } }) => e.node.seq), [0, 1]);
    const rest = await data(t.url, `query($r: ID!, $after: String) { run(id: $r) { candidates(first: 5, after: $after) { edges { node { seq } } pageInfo { hasNextPage } } } }`,
      { variables: { r: finishedRun, after: page.run.candidates.pageInfo.endCursor } });
    assert.deepEqual(rest.run.candidates.edges.map((e: { node: { seq: number } }) => e.node.seq), [2]);
    const badCursor = await gql(t.url, '{ runs(after: "nope") { totalCount } }');
    assert.equal(badCursor.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');

    const f = await data(t.url, `query($m: ID!) { paretoFront(modelId: $m, deviceId: "stm32h7") { version members { id status accuracy testAccuracy
      latency { ms source } peakRamBytes deployBytes modelBytes params macs recipe artifact { sha256 url } run { id } } } }`, { variables: { m: mlp.id } });
    const members = f.paretoFront.members;
    assert.ok(f.paretoFront.version >= 1 && members.length >= 1);
    for (const c of members) {
      assert.equal(c.status, 'DONE');
      assert.equal(c.latency.source, 'PREDICTED');
      assert.ok(c.testAccuracy > 0.1);
    }
    const one = await data(t.url, 'query($c: ID!) { candidate(id: $c) { id run { id } } missing: candidate(id: "x") { id } }', { variables: { c: members[0].id } });
    assert.equal(one.candidate.run.id, finishedRun);
    assert.equal(one.missing, null);

    const limit = members.at(-1).accuracy - 1e-9;
    const s = await data(t.url, `query($m: ID!, $a: Float) { best: select(modelId: $m, deviceId: "stm32h7") { candidate { id } unsatisfied { constraint } }
      small: select(modelId: $m, deviceId: "stm32h7", prefer: SIZE, constraints: { minAccuracy: $a }) { candidate { id deployBytes } }
      none: select(modelId: $m, deviceId: "stm32h7", constraints: { maxLatencyMs: 0.000001 }) { candidate { id } nearest { id } unsatisfied { constraint limit value excess } } }`,
      { variables: { m: mlp.id, a: limit } });
    assert.equal(s.best.candidate.id, members[0].id, 'the most accurate member (members are sorted by accuracy)');
    assert.equal(s.best.unsatisfied, null);
    assert.equal(s.small.candidate.deployBytes, Math.min(...members.map((c: { deployBytes: number }) => c.deployBytes)));
    assert.equal(s.none.candidate, null);
    assert.equal(s.none.unsatisfied[0].constraint, 'maxLatencyMs');
    assert.ok(s.none.unsatisfied[0].excess > 0 && s.none.unsatisfied[0].value > s.none.unsatisfied[0].limit);
    const unknown = await gql(t.url, '{ paretoFront(modelId: "nope", deviceId: "stm32h7") { version } }');
    assert.equal(unknown.body.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    const badLimit = await gql(t.url, `query($m: ID!) { paretoFront(modelId: $m, deviceId: "stm32h7", constraints: { minAccuracy: 90 }) { version } }`, { variables: { m: mlp.id } });
    assert.equal(badLimit.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(badLimit.body.errors[0].message, /minAccuracy must be a number > 0 and ≤ 1, got 90/);
  });

  it('batches the store calls of paretoFront and runs whatever the number of members and runs', async () => {
    const query = `query($m: ID!) { paretoFront(modelId: $m, deviceId: "stm32h7") { members { id run { id status model { name } device { id } } } }
      runs { edges { node { id model { name } device { name } } } } }`;
    t.calls.clear();
    const d = await data(t.url, query, { variables: { m: mlp.id } });
    assert.ok(d.paretoFront.members.length >= 2, 'several members, so that an unbatched resolver would call once per member');
    const total = [...t.calls.values()].reduce((a, b) => a + b, 0);
    assert.equal(t.calls.get('getCandidates'), 1);
    assert.equal(t.calls.get('getCandidate'), undefined);
    assert.ok((t.calls.get('getRun') ?? 0) + (t.calls.get('listRuns') ?? 0) <= 2, JSON.stringify([...t.calls]));
    assert.equal((t.calls.get('getModel') ?? 0) + (t.calls.get('listModels') ?? 0), 1);
    assert.equal((t.calls.get('getDevice') ?? 0) + (t.calls.get('listDevices') ?? 0), 1);
    assert.ok(total <= 7, `store calls: ${JSON.stringify([...t.calls])}`);
  });

  it('serves artifacts with their sha256 as ETag, 304 when unchanged, 404 and 400 otherwise', async () => {
    const res = await fetch(`${t.url}/artifacts/${mlp.sha256}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('etag'), `"${mlp.sha256}"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(createHash('sha256').update(bytes).digest('hex'), mlp.sha256);
    assert.equal((await fetch(`${t.url}/artifacts/${mlp.sha256}`, { headers: { 'if-none-match': `"${mlp.sha256}"` } })).status, 304);
    const missing = await fetch(`${t.url}/artifacts/${'0'.repeat(64)}`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code, 'NOT_FOUND');
    assert.equal((await fetch(`${t.url}/artifacts/not-a-hash`)).status, 400);
  });

  it('registers a model uploaded as raw ONNX and returns it', async () => {
    const bytes = readFileSync(zooModelPath('fashion-mlp'));
    const res = await fetch(`${t.url}/models?name=my-mlp`, { method: 'POST', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(res.status, 201);
    const model = (await res.json()) as { sha256: string; params: number };
    assert.equal(model.sha256, mlp.sha256, 'the same bytes are the same model');
    assert.ok(model.params > 0);
    const noName = await fetch(`${t.url}/models`, { method: 'POST', body: bytes });
    assert.equal(noName.status, 400);
    assert.match(((await noName.json()) as { errors: { message: string }[] }).errors[0]!.message, /name must be/);
  });

  it('cancelSearch stops a running search and keeps what it found', async () => {
    const { startSearch } = await start(40);
    const client = wsClient(t.url);
    try {
      await collect<Progress>(client, PROGRESS, { runId: startSearch.id }, (e) => e.searchProgress.candidate?.status === 'DONE');
    } finally {
      await client.dispose();
    }
    const { cancelSearch } = await data(t.url, 'mutation($r: ID!) { cancelSearch(runId: $r) { status progress { done total } } }', { variables: { r: startSearch.id } });
    assert.equal(cancelSearch.status, 'CANCELLED');
    assert.ok(cancelSearch.progress.done >= 1 && cancelSearch.progress.total < 40);
    const kept = await data(t.url, 'query($r: ID!) { run(id: $r) { candidates(status: [DONE]) { totalCount edges { node { artifact { sha256 } } } } } }', { variables: { r: startSearch.id } });
    assert.equal(kept.run.candidates.totalCount, cancelSearch.progress.done);
    assert.ok(kept.run.candidates.edges.every((e: { node: { artifact: unknown } }) => e.node.artifact));
    const again = await gql(t.url, 'mutation($r: ID!) { cancelSearch(runId: $r) { status } }', { variables: { r: startSearch.id } });
    assert.equal(again.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(again.body.errors[0].message, /already CANCELLED/);
    const bad = await gql(t.url, `mutation($m: ID!) { startSearch(input: { modelId: $m, deviceId: "stm32h7", budget: { evaluations: 0 } }) { id } }`, { variables: { m: mlp.id } });
    assert.equal(bad.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(bad.body.errors[0].message, /budget.evaluations must be a positive integer, got 0/);
  });
});
