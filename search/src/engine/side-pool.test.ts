import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { deviceCatalogue, findDevice, WorkersError, writeModel } from '@frontier/workers';
import { cnnModel, TEST_HOST } from '@frontier/workers/testing';
import { SidePool } from './side-pool.js';

describe('SidePool', () => {
  const side = new SidePool();
  after(() => side.close());
  const bytes = writeModel(cnnModel());
  const model = { sha256: 'cnn', bytes };
  const quant = { weightBits: 4, activationBits: 32, granularity: 'per-channel', symmetric: true } as const;

  it('estimates a recipe on a worker thread', async () => {
    const device = findDevice('stm32h7', deviceCatalogue(TEST_HOST));
    const screen = await side.estimate({ model, recipe: { prune: { ratio: 0.5, structure: 'channel' } }, device });
    assert.equal(screen.unsupported, undefined);
    assert.ok(screen.estimates.params! > 0 && screen.estimates.macs! > 0 && screen.estimates.latencyMs! > 0);
    const smaller = await side.estimate({ model, recipe: { prune: { ratio: 0.5, structure: 'channel' }, quant }, device });
    assert.ok(smaller.estimates.deployBytes! < screen.estimates.deployBytes!);
  });

  it('returns a precision the device lacks as data, not as an error', async () => {
    const stm32 = findDevice('stm32h7', deviceCatalogue(TEST_HOST));
    // An int8-only device: the float model (no quantization) cannot run on it.
    const device = { ...stm32, peakMacsPerSecond: { int8: stm32.peakMacsPerSecond.int8 ?? 1e9 } };
    const screen = await side.estimate({ model, recipe: {}, device });
    assert.match(screen.unsupported ?? '', /cannot execute fp32/);
  });

  it('throws what the worker threw with its code', async () => {
    const device = findDevice('stm32h7', deviceCatalogue(TEST_HOST));
    await assert.rejects(
      side.estimate({ model: { sha256: 'junk', bytes: Uint8Array.from([1, 2, 3]) }, recipe: {}, device }),
      (err: unknown) => err instanceof WorkersError && err.code === 'BAD_MODEL',
    );
  });
});
