// `api`: the GraphQL server under load while a real search runs on fashion-mlp (2 pool threads):
// paretoFront throughput and p99 at 50 connections as a ratio to the same server's `health` query
// in the same run (autocannon in a child process), the delay from the store write of a front change
// to its delivery to 300 graphql-ws subscribers (another child process), and the server's
// event-loop delay p99 over the whole search.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Store } from '@frontier/search';
import { data, startTestServer, type TestServer } from '../support/api-server.js';
import { quantile, type BenchRecord, type BenchSection } from './record.js';

const CONNECTIONS = 50;
const LOAD_SECONDS = 10;
const SUBSCRIBERS = 300;
/** The search's time budget: long enough for the load phases and several front changes. */
const SEARCH_SECONDS = 70;
/** Goals of the issue that set this section up. */
const GOALS = { ratio: 0.5, p99Ms: 50, deliveryP95Ms: 50 };

const FRONT_QUERY = 'query($m: ID!) { paretoFront(modelId: $m, deviceId: "stm32h7") { version members { id accuracy testAccuracy latency { ms source } peakRamBytes deployBytes artifact { url } } } }';
const HEALTH_QUERY = '{ health { ok runsActive } }';

const wallNow = () => performance.timeOrigin + performance.now();

export const apiSection: BenchSection = {
  name: 'api',
  description: 'GraphQL server during a search: paretoFront vs health throughput and p99 (50 connections), front delivery delay to 300 subscribers, event-loop delay',
  async run() {
    const writes = new Map<number, number>();
    const t = await startTestServer({ wrapStore: (s) => timeFrontWrites(s, writes) });
    const loop = monitorEventLoopDelay({ resolution: 10 });
    try {
      // The same query before any search: what the machine itself allows, to read the others by.
      const idle = await autocannon(t.url, HEALTH_QUERY, {});
      const { models } = await data(t.url, '{ models { id name } }');
      const mlp = models.find((m: { name: string }) => m.name === 'fashion-mlp').id as string;
      const { startSearch } = await data(t.url, `mutation($m: ID!) { startSearch(input: { modelId: $m, deviceId: "stm32h7", sampler: "random", seed: 21,
        budget: { seconds: ${SEARCH_SECONDS}, evaluations: 1000 }, constraints: { maxRamKb: 256 } }) { id } }`, { variables: { m: mlp } });
      loop.enable();
      const subscribers = startSubscribers(t.url, startSearch.id);
      await subscribers.ready;
      await waitForFront(t, mlp);
      const health = await autocannon(t.url, HEALTH_QUERY, {});
      const front = await autocannon(t.url, FRONT_QUERY, { m: mlp });
      const members = (await data(t.url, FRONT_QUERY, { variables: { m: mlp } })).paretoFront.members.length as number;
      const delivered = await subscribers.done;
      loop.disable();
      const delays = delivered.received.filter((r) => writes.has(r.version)).map((r) => r.at - writes.get(r.version)!);
      return records({ idle, health, front, members, delays, delivered, changes: writes.size, loopP99Ms: loop.percentile(99) / 1e6 });
    } finally {
      loop.disable();
      await t.stop();
    }
  },
};

interface LoadResult {
  readonly rps: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
}

function records(r: {
  idle: LoadResult; health: LoadResult; front: LoadResult; members: number; delays: number[];
  delivered: { failed: number; ready: number }; changes: number; loopP99Ms: number;
}): BenchRecord[] {
  const ratio = r.front.rps / r.health.rps;
  const load = `${CONNECTIONS} connections, ${LOAD_SECONDS} s each, autocannon in a child process, while a search runs on 2 pool threads (2-core machine shared with other work)`;
  return [
    { name: 'api.health.idle.throughput', value: r.idle.rps, unit: 'req/s', note: `before the search starts: the ceiling this machine allows now; p99 ${r.idle.p99} ms` },
    { name: 'api.health.throughput', value: r.health.rps, unit: 'req/s', note: `${load}; errors ${r.health.errors}, non-2xx ${r.health.non2xx}` },
    { name: 'api.health.p99', value: r.health.p99, unit: 'ms' },
    {
      name: 'api.paretoFront.throughput', value: r.front.rps, unit: 'req/s',
      against: { name: 'api.health.throughput', value: r.health.rps, unit: 'req/s' },
      ratio, ratioMeaning: `paretoFront / health req/s (goal ≥ ${GOALS.ratio})`,
      note: `front of ${r.members} members with their metrics and artifact URLs; errors ${r.front.errors}, non-2xx ${r.front.non2xx}`,
    },
    { name: 'api.paretoFront.p99', value: r.front.p99, unit: 'ms', against: { name: 'goal', value: GOALS.p99Ms, unit: 'ms' }, ratio: r.front.p99 / GOALS.p99Ms, ratioMeaning: 'p99 / goal (≤ 1 meets it)' },
    {
      name: 'api.frontDelivery.p95', value: quantile(r.delays, 0.95), unit: 'ms',
      against: { name: 'goal', value: GOALS.deliveryP95Ms, unit: 'ms' }, ratio: quantile(r.delays, 0.95) / GOALS.deliveryP95Ms, ratioMeaning: 'p95 / goal (≤ 1 meets it)',
      note: `${SUBSCRIBERS} graphql-ws subscribers in a child process (${r.delivered.ready} got the snapshot, ${r.delivered.failed} failed); ${r.changes} front changes, ${r.delays.length} deliveries; from replaceFront resolving to the FRONT message parsed by the client; median ${quantile(r.delays, 0.5).toFixed(1)} ms, max ${Math.max(...r.delays).toFixed(1)} ms`,
    },
    { name: 'api.eventLoopDelay.p99', value: r.loopP99Ms, unit: 'ms', note: 'server process during the whole search, load and deliveries (monitorEventLoopDelay, 10 ms resolution)' },
  ];
}

/** Records when each front version's write resolved, on the wall clock the subscribers use too. */
function timeFrontWrites(store: Store, writes: Map<number, number>): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (prop !== 'replaceFront' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: unknown[]) => {
        const front = await (value as (...a: unknown[]) => Promise<{ version: number }>).apply(target, args);
        writes.set(front.version, wallNow());
        return front;
      };
    },
  });
}

async function waitForFront(t: TestServer, modelId: string): Promise<void> {
  for (;;) {
    const d = await data(t.url, FRONT_QUERY, { variables: { m: modelId } });
    if (d.paretoFront.members.length > 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function startSubscribers(url: string, runId: string) {
  const script = fileURLToPath(new URL('./api-subscribers.js', import.meta.url));
  const child = spawn(process.execPath, [script, url, runId, String(SUBSCRIBERS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      err += c;
      if (c.includes('ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`subscribers exited (${code}) before all were subscribed: ${err} ${out}`)));
  });
  const done = new Promise<{ received: { version: number; at: number }[]; failed: number; ready: number }>((resolve, reject) => {
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`subscribers exited with ${code}`))));
  });
  return { ready, done };
}

async function autocannon(url: string, query: string, variables: Record<string, unknown>): Promise<LoadResult> {
  const bin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const body = JSON.stringify({ query, variables });
  const args = [bin, '-c', String(CONNECTIONS), '-d', String(LOAD_SECONDS), '-m', 'POST', '-H', 'content-type=application/json', '-b', body, '--json', `${url}/graphql`];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`autocannon exited with ${code}`);
  const r = JSON.parse(out) as { requests: { average: number }; latency: { p99: number }; errors: number; non2xx: number };
  return { rps: r.requests.average, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx };
}
