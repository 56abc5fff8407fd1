import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder, encodeNpy, floatTensor, writeModel } from '@frontier/workers';
import { main } from '../main.js';
import { captureIo } from '../capture-io.js';

describe('frontier evaluate', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'frontier-eval-'));
    // A 2-class model on 1×1×2 images: logits = [x0, x1]; it predicts the brighter pixel.
    const b = new GraphBuilder();
    const x = b.input('x', ['N', 1, 1, 2]);
    const f = b.node('Flatten', [x]);
    b.output(b.node('MatMul', [f, b.initializer(floatTensor('eye', [2, 2], [1, 0, 0, 1]))]), ['N', 2]);
    writeFileSync(join(dir, 'm.onnx'), writeModel(b.build()));
    // Four images; the labels agree with the brighter pixel for three of them.
    const pixels = Uint8Array.from([200, 10, 5, 90, 30, 20, 0, 255]);
    writeFileSync(join(dir, 'images.npy'), encodeNpy({ dtype: 'uint8', shape: [4, 1, 2], data: pixels }));
    writeFileSync(join(dir, 'labels.npy'), encodeNpy({ dtype: 'uint8', shape: [4], data: Uint8Array.from([0, 1, 1, 1]) }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('measures accuracy on the user\'s own images and labels', async () => {
    const io = captureIo();
    const code = await main(['evaluate', join(dir, 'm.onnx'), '--images', join(dir, 'images.npy'), '--labels', join(dir, 'labels.npy'), '--runs', '5', '--json'], io);
    assert.equal(code, 0, io.stderr);
    const r = JSON.parse(io.stdout);
    assert.deepEqual([r.accuracy.correct, r.accuracy.count], [3, 4]);
    assert.equal(r.latency.source, 'MEASURED');
    assert.equal(r.latency.runs, 5);
    assert.equal(r.macs, 4);
  });

  it('rejects inconsistent dataset options as bad usage', async () => {
    const m = join(dir, 'm.onnx');
    const usage = async (args: string[], message: RegExp) => {
      const io = captureIo();
      assert.equal(await main(['evaluate', m, ...args], io), 2, args.join(' '));
      assert.match(io.stderr, message);
    };
    await usage(['--images', join(dir, 'images.npy')], /^frontier: --images and --labels go together\n$/);
    await usage(['--dataset', 'cifar', '--data-dir', join(dir, 'no-store')], /^frontier: --dataset: unknown dataset "cifar" \(known: fashion-mnist; none registered in .*no-store: see `frontier datasets add`\)\n$/);
    assert.equal(existsSync(join(dir, 'no-store')), false, 'no data folder made to look');
    await usage(['--dataset', 'fashion-mnist', '--split', 'holdout'], /^error: option '--split <split>' argument 'holdout' is invalid\. Allowed choices are train, val, fit, test\.\n/);
  });

  it('names a dataset that does not fit the model', async () => {
    const io = captureIo();
    const code = await main(['evaluate', join(dir, 'm.onnx'), '--images', join(dir, 'labels.npy'), '--labels', join(dir, 'labels.npy'), '--no-latency'], io);
    assert.equal(code, 1);
    assert.match(io.stderr, /^frontier: .*labels\.npy: images must have shape \[N, H, W\] or \[N, C, H, W\], got \[4\]\n$/);
  });
});
