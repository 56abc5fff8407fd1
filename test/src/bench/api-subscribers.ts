// A child process of the `api` bench: N graphql-ws subscribers to one run's searchProgress. Each
// notes when it receives every FRONT event (wall clock in ms, from performance.timeOrigin so the
// parent's clock agrees), and the process prints them as JSON once every subscription completes.
// Usage: node api-subscribers.js URL RUN_ID N
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, runId, count] = process.argv.slice(2) as [string, string, string];
const n = Number(count);
const now = () => performance.timeOrigin + performance.now();
const received: { version: number; at: number }[] = [];
let ready = 0;
let failed = 0;

/** Tells the parent once every subscriber has its snapshot or has failed. */
function settled(_: number): void {
  if (ready + failed === n) process.stderr.write('ready\n');
}

const clients = Array.from({ length: n }, () =>
  createClient({ url: `${url.replace(/^http/, 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true }),
);
await Promise.all(
  clients.map(async (client) => {
    try {
      for await (const r of client.iterate<{ searchProgress: { kind: string; front: { version: number; members: { id: string }[] } | null } }>({
        query: 'subscription($r: ID!) { searchProgress(runId: $r) { kind front { version members { id accuracy deployBytes } } } }',
        variables: { r: runId },
      })) {
        const p = r.data?.searchProgress;
        if (p?.kind === 'SNAPSHOT') settled(++ready);
        if (p?.kind === 'FRONT' && p.front) received.push({ version: p.front.version, at: now() });
      }
    } catch (err) {
      if (failed++ === 0) process.stderr.write(`a subscriber failed: ${err instanceof Error ? err.message : JSON.stringify(err)}\n`);
      settled(0);
    } finally {
      await client.dispose();
    }
  }),
);
process.stdout.write(JSON.stringify({ received, failed, ready }));
