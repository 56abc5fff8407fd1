// Cancelling an evaluation on the local pool: the dispatcher answers `cancelled` at once, while the
// task finishes on its thread (ending a thread inside onnxruntime can abort the process), and the
// pool goes on serving. A real model, dataset and worker pool.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { abandonedTasks, createCandidatePool, DispatchFailure, LocalDispatcher, sha256Hex } from '@frontier/search';
import { deviceCatalogue, detectHostFacts, findDevice, validateRecipe, zooModelPath } from '@frontier/workers';
import { freshDataDir } from './support/data-dir.js';

describe('LocalDispatcher: cancel', () => {
  const dataDir = freshDataDir();
  const pool = createCandidatePool({ threads: 1 });
  after(async () => {
    await pool.close(true);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('rejects a cancelled evaluation with kind cancelled while its task runs on to the end; the pool still serves', async () => {
    const bytes = readFileSync(zooModelPath('fashion-mlp'));
    const device = findDevice('stm32h7', deviceCatalogue(detectHostFacts()));
    const dispatcher = new LocalDispatcher({ model: { sha256: sha256Hex(bytes), bytes }, dataset: 'fashion-mnist', dataDir, device, pool });
    const slow = validateRecipe({ distill: { temperature: 4, alpha: 0.5, epochs: 0.5, layers: 'all' } });
    const controller = new AbortController();
    const evaluation = dispatcher.evaluate(slow, { seed: 1, signal: controller.signal });
    // Cancel once the task is on its thread (a fine-tuning epoch of the MLP takes seconds).
    setTimeout(() => controller.abort(), 300);
    const failure = await evaluation.then(
      () => assert.fail('a cancelled evaluation resolved'),
      (err: unknown) => err,
    );
    assert.ok(failure instanceof DispatchFailure);
    assert.equal(failure.kind, 'cancelled');
    // Still running (seconds of fine-tuning left), not ended with its thread: the next timer tick comes first.
    const abandoned = abandonedTasks(pool).then(() => 'ended' as const);
    const first = await Promise.race([abandoned, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 0))]);
    assert.equal(first, 'running', 'the cancelled task runs on on its thread');
    assert.equal(await abandoned, 'ended');
    const fast = await dispatcher.evaluate(validateRecipe({ quant: { weightBits: 8, activationBits: 32, granularity: 'per-channel', symmetric: true } }), { seed: 2 });
    assert.ok(fast.metrics.accuracy.val > 0.8, `the pool still evaluates: accuracy ${fast.metrics.accuracy.val}`);
    await dispatcher.close();
  });
});
