// Child process of sqlite-crash.test.ts: evaluates nothing, but records results into the store the
// way the engine does (insert, claim, put the artifact, record the result) until it is killed, and
// prints each candidate id once recordResult has resolved — the moment the engine would count it.
// On Linux, writes to a pipe are synchronous, so a printed id was reported before the next step.
import { openSqliteStore } from './sqlite-store.js';

const [dataDir, runId, round] = process.argv.slice(2);
if (!dataDir || !runId || !round) throw new Error('usage: sqlite-crash-child <dataDir> <runId> <round>');

const store = await openSqliteStore({ dataDir });
const run = await store.getRun(runId);
const model = await store.getModel(run.modelId);
for (let i = 0; ; i++) {
  const recipeKey = `round=${round};i=${i}`;
  const candidate = await store.insertCandidate({ runId, recipe: { round, i }, recipeKey });
  await store.transitionCandidate({ id: candidate.id, from: 'PENDING', to: 'RUNNING' });
  // 64 KB of bytes unique to this candidate, like a small compressed model.
  const bytes = new Uint8Array(65_536).map((_, k) => (k * 7 + i * 13 + Number(round)) & 255);
  bytes.set(new TextEncoder().encode(recipeKey));
  const artifact = await store.putArtifact(bytes);
  await store.recordResult({
    id: candidate.id,
    metrics: {
      accuracy: { val: 0.8 },
      latency: { ms: 1, source: 'PREDICTED' },
      peakRamBytes: 1,
      modelBytes: bytes.length,
      deployBytes: bytes.length,
      params: 1,
      nonzeroParams: 1,
      macs: 1,
    },
    artifactSha256: artifact.sha256,
    provenance: { modelSha256: model.sha256, datasetSha256: model.sha256, versions: {}, seed: 0, timings: {} },
  });
  process.stdout.write(`${candidate.id}\n`);
}
