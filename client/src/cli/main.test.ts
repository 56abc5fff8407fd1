import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphBuilder, floatTensor, writeModel } from '@frontier/workers';
import { main } from './main.js';
import { captureIo } from './capture-io.js';

describe('frontier CLI', () => {
  let dir: string;
  let modelPath: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'frontier-cli-'));
    const b = new GraphBuilder();
    const x = b.input('x', ['N', 6]);
    const w = b.initializer(floatTensor('w', [6, 3], Array.from({ length: 18 }, (_, i) => (i % 4) - 1)));
    b.output(b.node('MatMul', [x, w], {}, 'fc'), ['N', 3]);
    modelPath = join(dir, 'tiny.onnx');
    writeFileSync(modelPath, writeModel(b.build()));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('inspect --json reports the analysis', async () => {
    const io = captureIo();
    assert.equal(await main(['inspect', modelPath, '--json'], io), 0);
    const report = JSON.parse(io.stdout);
    assert.equal(report.macs, 18);
    assert.equal(report.params, 18);
    assert.equal(report.nonzeroParams, 18 - 5); // values (i % 4) − 1 are zero at i = 1, 5, 9, 13, 17
    assert.equal(report.nodes[0].opType, 'MatMul');
    assert.match(report.sha256, /^[0-9a-f]{64}$/);
  });

  it('inspect prints a table for people', async () => {
    const io = captureIo();
    assert.equal(await main(['inspect', modelPath], io), 0);
    assert.match(io.stdout, /MACs 18/);
    assert.match(io.stdout, /^fc\s+MatMul\s+\[1, 3\]/m);
  });

  it('exits 1 with a message on stderr for a missing or malformed model', async () => {
    let io = captureIo();
    assert.equal(await main(['inspect', join(dir, 'nope.onnx')], io), 1);
    assert.match(io.stderr, /model file not found: .*nope\.onnx/);
    const junk = join(dir, 'junk.onnx');
    writeFileSync(junk, 'definitely not protobuf');
    io = captureIo();
    assert.equal(await main(['inspect', junk], io), 1);
    assert.match(io.stderr, /not an ONNX model/);
  });

  it('exits 2 on bad usage and 0 on --help', async () => {
    const usage = async (args: string[], message: RegExp) => {
      const io = captureIo();
      assert.equal(await main(args, io), 2, args.join(' '));
      assert.match(io.stderr, message);
      assert.equal(io.stdout, '');
    };
    await usage(['inspect'], /^error: missing required argument 'model'\n\(run with --help for usage\)\n$/);
    await usage(['inspect', modelPath, '--no-such-flag'], /^error: unknown option '--no-such-flag'\n/);
    await usage(['frobnicate'], /^error: unknown command 'frobnicate'\n/);
    const io = captureIo();
    assert.equal(await main(['inspect', '--help'], io), 0);
    assert.match(io.stdout, /Usage: frontier inspect/);
  });
});
