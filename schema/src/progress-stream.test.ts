import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore, type Run, type RunEvent, type Store } from '@frontier/search';
import { sampleModel, sampleRun } from '@frontier/search/testing';
import type { Platform, SchemaContext } from './context.js';
import { progressStream } from './progress-stream.js';

describe('progressStream', () => {
  let dir: string;
  let store: Store;
  let run: Run;
  const listeners = new Set<(e: RunEvent) => void>();
  const emit = (e: RunEvent) => listeners.forEach((l) => l(e));
  let ctx: SchemaContext;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frontier-progress-'));
    store = await openSqliteStore({ dataDir: dir });
    const model = await store.registerModel(sampleModel('m'));
    await store.putDevice({ id: 'd', name: 'D', spec: {} });
    run = await store.createRun(sampleRun(model.id, 'd'));
    const platform = {
      subscribe: (_runId: string, listener: (e: RunEvent) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    } as unknown as Platform;
    ctx = { store, platform, loaders: undefined as never, scope: 'read', artifactBaseUrl: '' };
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens with a snapshot, passes live events on, and ends after the final status', async () => {
    const stream = await progressStream(ctx, run.id);
    const first = await stream.next();
    assert.equal(first.value?.kind, 'SNAPSHOT');
    assert.equal(first.value?.run?.status, 'QUEUED');
    assert.deepEqual(first.value?.front?.memberIds, []);
    const pending = stream.next();
    emit({ type: 'frontChanged', runId: run.id, front: { modelId: run.modelId, dataset: run.dataset, deviceId: 'd', memberIds: ['c1'], version: 1 }, added: ['c1'], removed: [] });
    assert.deepEqual((await pending).value?.front?.memberIds, ['c1']);
    emit({ type: 'runStatus', runId: run.id, run: { ...run, status: 'DONE' } });
    assert.equal((await stream.next()).value?.kind, 'STATUS');
    assert.equal((await stream.next()).done, true);
    assert.equal(listeners.size, 0, 'it stops listening when the run ends');
  });

  it('ends a subscriber that lets more than the allowed events pile up', async () => {
    const stream = await progressStream(ctx, run.id, 3);
    for (let i = 0; i < 4; i++) emit({ type: 'runStatus', runId: run.id, run: { ...run, status: 'RUNNING' } });
    await assert.rejects(stream.next(), /subscriber too slow: more than 3 events waiting/);
    assert.equal(listeners.size, 0);
  });

  it('ends at once when the client unsubscribes while it waits', async () => {
    const stream = await progressStream(ctx, run.id);
    await stream.next();
    const waiting = stream.next();
    await stream.return!();
    assert.equal((await waiting).done, true);
    assert.equal(listeners.size, 0);
  });

  it('refuses an unknown run with NOT_FOUND and leaves no listener behind', async () => {
    await assert.rejects(progressStream(ctx, 'nope'), (err: Error & { code?: string }) => err.code === 'NOT_FOUND');
    assert.equal(listeners.size, 0);
  });
});
