// What a real server answers over HTTP for each kind of operation: a subscription is refused with
// the WebSocket address that serves it, queries and mutations run; and the cost limit's two sides —
// the largest page of candidates with every field (walked from the served schema, so new fields are
// asked for too) passes, abusive operations are refused with the cost error, over HTTP and WebSocket.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { DEFAULT_LIMITS } from '@frontier/api';
import { openStore } from '@frontier/search';
import { evaluated, scene } from '@frontier/search/testing';
import { detectHostFacts, deviceCatalogue, findDevice } from '@frontier/workers';
import { collect, data, gql, startTestServer, type TestServer } from '../support/api-server.js';
import { freshDataDir } from '../support/data-dir.js';

/** The largest page a connection answers (`first` above it is refused, checked below). */
const LARGEST_PAGE = 100;
const COST_ERROR = new RegExp(`query cost \\d+ exceeds the limit of ${DEFAULT_LIMITS.maxCost}`);

interface TypeRef { kind: string; name: string | null; ofType: TypeRef | null }
interface IntrospectedField { name: string; args: { name: string; type: { kind: string } }[]; type: TypeRef }
type Types = ReadonlyMap<string, readonly IntrospectedField[]>;

const INTROSPECT_FIELDS = `{ __schema { types { name fields {
  name args { name type { kind } } type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }`;

/** A GraphQL POST with a Host header of our choosing (fetch sets its own): status and first error message. */
function postWithHost(url: string, host: string, query: string): Promise<{ status: number; message: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/graphql`, { method: 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, message: (JSON.parse(body) as { errors: { message: string }[] }).errors[0]?.message ?? '' }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query }));
  });
}

function namedType(ref: TypeRef): TypeRef {
  return ref.ofType ? namedType(ref.ofType) : ref;
}

/**
 * Every field of `typeName` a client can ask for within one page: scalars and enums, and every
 * object field's own selection, walked the same way. Left out: fields that open another page (a
 * `first` argument), fields that need an argument, and types already on the path (the candidate's
 * run's front lists candidates again).
 */
function everyField(types: Types, typeName: string, path: readonly string[] = [typeName]): string {
  const parts: string[] = [];
  for (const field of types.get(typeName) ?? []) {
    if (field.args.some((arg) => arg.name === 'first' || arg.type.kind === 'NON_NULL')) continue;
    const type = namedType(field.type);
    if (type.kind === 'SCALAR' || type.kind === 'ENUM') parts.push(field.name);
    else if (type.kind === 'OBJECT') {
      if (path.includes(type.name!)) continue;
      const inner = everyField(types, type.name!, [...path, type.name!]);
      if (inner) parts.push(`${field.name} { ${inner} }`);
    } else assert.fail(`the walk does not handle ${type.kind} ${type.name} (field ${typeName}.${field.name}): teach it`);
  }
  return parts.join(' ');
}

describe('frontier serve: operations over HTTP and the cost limit', () => {
  let t: TestServer;
  let runId: string;
  let types: Types;

  before(async () => {
    // A finished run with more candidates than one page, written straight into the store.
    const dataDir = freshDataDir('frontier-api-ops-');
    const store = await openStore({ dataDir, env: {} });
    const device = findDevice('stm32h7', deviceCatalogue(detectHostFacts()));
    const { run } = await scene(store, { deviceId: device.id });
    await store.putDevice({ id: device.id, name: device.name, spec: device }); // the catalogue's whole spec
    for (let i = 0; i <= LARGEST_PAGE; i++) await evaluated(store, run.id, `recipe-${i}`, 0.8 + i / 1000);
    await store.updateRun({ id: run.id, from: 'RUNNING', to: 'DONE' });
    await store.close();
    runId = run.id;
    t = await startTestServer({ dataDir, registerBuiltins: false });
    const intro = await data<{ __schema: { types: { name: string; fields: IntrospectedField[] | null }[] } }>(t.url, INTROSPECT_FIELDS);
    types = new Map(intro.__schema.types.map((type) => [type.name, type.fields ?? []]));
  });
  after(() => t.stop());

  it('refuses a subscription over HTTP with 400, naming the WebSocket endpoint that serves it', async () => {
    const subscription = 'subscription($r: ID!) { searchProgress(runId: $r) { kind run { status } } }';
    const r = await gql(t.url, subscription, { variables: { r: runId } });
    assert.equal(r.status, 400);
    assert.equal(r.body.data, undefined);
    const error = r.body.errors?.[0];
    assert.equal(error?.extensions?.code, 'BAD_REQUEST');
    const wsUrl = `${t.url.replace(/^http/, 'ws')}/graphql`;
    assert.match(error.message, /subscriptions are not served over HTTP/);
    assert.ok(error.message.includes(`at ${wsUrl} with the graphql-ws protocol`), error.message);

    // A client that reached the server by another name is told that name; a malformed Host is not echoed.
    const named = await postWithHost(t.url, 'frontier-box:4000', 'subscription { searchProgress(runId: "x") { kind } }');
    assert.equal(named.status, 400);
    assert.ok(named.message.includes('at ws://frontier-box:4000/graphql with'), named.message);
    const odd = await postWithHost(t.url, 'a b<c>', 'subscription { searchProgress(runId: "x") { kind } }');
    assert.equal(odd.status, 400);
    assert.ok(odd.message.includes(`at ${wsUrl} with`), odd.message);

    // Picked out of a document by operationName too; the document's query still runs.
    const both = `query Status($r: ID!) { run(id: $r) { status } } ${subscription.replace('subscription(', 'subscription Live(')}`;
    const picked = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: both, operationName: 'Live', variables: { r: runId } }),
    });
    assert.equal(picked.status, 400);
    const query = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: both, operationName: 'Status', variables: { r: runId } }),
    });
    assert.equal(query.status, 200);
    assert.deepEqual(await query.json(), { data: { run: { status: 'DONE' } } });

    // The address in the message serves the subscription: a SNAPSHOT of the finished run, then done.
    const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    try {
      const events = await collect<{ searchProgress: { kind: string; run: { status: string } } }>(client, subscription, { r: runId });
      assert.deepEqual(events.map((e) => e.searchProgress), [{ kind: 'SNAPSHOT', run: { status: 'DONE' } }]);
    } finally {
      await client.dispose();
    }
  });

  it('still runs queries and mutations over HTTP', async () => {
    const d = await data(t.url, '{ health { ok } runs { totalCount } }');
    assert.deepEqual(d, { health: { ok: true }, runs: { totalCount: 1 } });
    const spec = { ...findDevice('stm32h7', deviceCatalogue(detectHostFacts())), id: 'ops-board', name: 'Ops board' };
    const m = await data(t.url, 'mutation($s: JSON!) { registerDevice(spec: $s) { id name } }', { variables: { s: spec } });
    assert.deepEqual(m.registerDevice, { id: 'ops-board', name: 'Ops board' });
  });

  it('answers the largest page of candidates with every field, as a literal and as a variable', async () => {
    const tooLarge = await gql(t.url, `query($r: ID!) { run(id: $r) { candidates(first: ${LARGEST_PAGE + 1}) { totalCount } } }`, { variables: { r: runId } });
    assert.equal(tooLarge.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.match(tooLarge.body.errors?.[0]?.message ?? '', new RegExp(`first must be an integer in 0\\.\\.${LARGEST_PAGE}`), 'the largest page is what the test asks for');

    const fields = everyField(types, 'Candidate');
    const page = `pageInfo { ${everyField(types, 'PageInfo')} } totalCount edges { cursor node { ${fields} } }`;
    for (const [query, variables] of [
      [`query($r: ID!) { run(id: $r) { candidates(first: ${LARGEST_PAGE}) { ${page} } } }`, { r: runId }],
      [`query($r: ID!, $n: Int) { run(id: $r) { candidates(first: $n) { ${page} } } }`, { r: runId, n: LARGEST_PAGE }],
    ] as const) {
      const r = await gql(t.url, query, { variables });
      assert.equal(r.status, 200, JSON.stringify(r.body.errors));
      assert.equal(r.body.errors, undefined);
      const { candidates } = (r.body.data as { run: { candidates: { totalCount: number; pageInfo: { hasNextPage: boolean }; edges: { node: Record<string, unknown> }[] } } }).run;
      assert.equal(candidates.totalCount, LARGEST_PAGE + 1);
      assert.equal(candidates.edges.length, LARGEST_PAGE);
      assert.equal(candidates.pageInfo.hasNextPage, true);
      // Every Candidate field was asked for and answered.
      const candidateFields = types.get('Candidate')!.map((f) => f.name).sort();
      for (const { node } of candidates.edges) assert.deepEqual(Object.keys(node).sort(), candidateFields);
      assert.ok(candidates.edges.every(({ node }) => (node['run'] as { id: string }).id === runId && node['status'] === 'DONE'));
    }
  });

  it('refuses nested pages, aliased pages and lists in lists with the cost error, whether pages are literals or variables', async () => {
    const fields = everyField(types, 'Candidate');
    const abusive: [string, string, Record<string, unknown>][] = [
      ['a page of runs, each with a page of candidates (variables)', 'query($a: Int, $b: Int) { runs(first: $a) { edges { node { candidates(first: $b) { edges { node { id } } } } } } }', { a: LARGEST_PAGE, b: LARGEST_PAGE }],
      ['two aliased full pages', `query($r: ID!) { run(id: $r) { a: candidates(first: ${LARGEST_PAGE}) { edges { node { ${fields} } } } b: candidates(first: ${LARGEST_PAGE}) { edges { node { ${fields} } } } } }`, { r: runId }],
      ['fronts in fronts under a page of runs', `{ runs(first: ${LARGEST_PAGE}) { edges { node { front { members { run { front { members { id } } } } } } } } }`, {}],
    ];
    for (const [what, query, variables] of abusive) {
      const r = await gql(t.url, query, { variables });
      assert.equal(r.status, 400, what);
      assert.equal(r.body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED', what);
      assert.match(r.body.errors?.[0]?.message ?? '', COST_ERROR, what);
    }
    // The variables are read, not assumed at their worst: the same nesting with small pages runs.
    const small = await gql(t.url, abusive[0]![1], { variables: { a: 5, b: 5 } });
    assert.equal(small.status, 200, JSON.stringify(small.body.errors));
    assert.equal(small.body.errors, undefined);

    // Over WebSocket the same limit holds for a subscription's selection.
    const client = createClient({ url: `${t.url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    try {
      const dear = `subscription($r: ID!) { searchProgress(runId: $r) { run { a: candidates(first: ${LARGEST_PAGE}) { edges { node { ${fields} } } } b: candidates(first: ${LARGEST_PAGE}) { edges { node { ${fields} } } } } } }`;
      await assert.rejects(collect(client, dear, { r: runId }), (err: unknown) => {
        assert.match(JSON.stringify(err), COST_ERROR);
        return true;
      });
    } finally {
      await client.dispose();
    }
  });
});
