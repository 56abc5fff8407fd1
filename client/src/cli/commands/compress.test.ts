import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GraphBuilder, encodeNpy, floatTensor, readModel, writeModel } from '@frontier/workers';
import { main } from '../main.js';
import { captureIo } from '../capture-io.js';

describe('frontier compress', () => {
  let dir: string;
  let model: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'frontier-compress-'));
    // [N, 1, 4, 4] → Conv 1→8 3×3 → Relu → Flatten → Gemm 128→3.
    const b = new GraphBuilder();
    const x = b.input('x', ['N', 1, 4, 4]);
    const w = b.initializer(floatTensor('conv.w', [8, 1, 3, 3], Array.from({ length: 72 }, (_, i) => Math.sin(i))));
    const h = b.node('Relu', [b.node('Conv', [x, w], { pads: [1, 1, 1, 1] }, 'conv')]);
    const fc = b.initializer(floatTensor('fc.w', [3, 128], Array.from({ length: 384 }, (_, i) => Math.cos(i) / 10)));
    b.output(b.node('Gemm', [b.node('Flatten', [h]), fc], { transB: 1 }, 'fc'), ['N', 3]);
    model = join(dir, 'm.onnx');
    writeFileSync(model, writeModel(b.build()));
    const pixels = Uint8Array.from({ length: 20 * 16 }, (_, i) => (i * 37) % 256);
    writeFileSync(join(dir, 'images.npy'), encodeNpy({ dtype: 'uint8', shape: [20, 1, 4, 4], data: pixels }));
    writeFileSync(join(dir, 'labels.npy'), encodeNpy({ dtype: 'uint8', shape: [20], data: Uint8Array.from({ length: 20 }, (_, i) => i % 3) }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the compressed model and reports each stage', async () => {
    const io = captureIo();
    const out = join(dir, 'small.onnx');
    const recipe = JSON.stringify({ prune: { ratio: 0.5, structure: 'channel' }, quant: { weightBits: 8, activationBits: 8, granularity: 'per-channel', symmetric: true } });
    const code = await main(['compress', model, '--recipe', recipe, '--out', out, '--images', join(dir, 'images.npy'), '--labels', join(dir, 'labels.npy'), '--json'], io);
    assert.equal(code, 0, io.stderr);
    const r = JSON.parse(io.stdout);
    assert.deepEqual(r.stages.map((s: { stage: string }) => s.stage), ['prune', 'quant']);
    assert.equal(r.stages[0].after.params, 4 * 9 + 3 * 64);
    assert.ok(r.after.fileBytes < r.before.fileBytes);
    assert.equal(readModel(readFileSync(out)).graph.nodes.filter((n) => n.opType === 'QuantizeLinear').length > 0, true);
  });

  it('reads a recipe file and prints a table for people', async () => {
    const io = captureIo();
    writeFileSync(join(dir, 'recipe.json'), JSON.stringify({ quant: { weightBits: 4, activationBits: 32, granularity: 'per-channel', symmetric: false } }));
    const code = await main(['compress', model, '--recipe', join(dir, 'recipe.json'), '--out', join(dir, 'q4.onnx')], io);
    assert.equal(code, 0, io.stderr);
    assert.match(io.stdout, /quant: quantized 2 weight tensors to 4 bits/);
    assert.match(io.stdout, /^after quant\s/m);
  });

  it('fills a short recipe with the defaults a user expects: {"quant":{"weightBits":4}} is weight-only, per-channel, symmetric', async () => {
    const short = join(dir, 'short.onnx');
    const written = join(dir, 'written.onnx');
    assert.equal(await main(['compress', model, '--recipe', '{"quant":{"weightBits":4}}', '--out', short], captureIo()), 0);
    const full = JSON.stringify({ quant: { weightBits: 4, activationBits: 32, granularity: 'per-channel', symmetric: true } });
    assert.equal(await main(['compress', model, '--recipe', full, '--out', written], captureIo()), 0);
    assert.deepEqual(readFileSync(short), readFileSync(written));
    const asymmetric = JSON.stringify({ quant: { weightBits: 4, activationBits: 32, granularity: 'per-channel', symmetric: false } });
    assert.equal(await main(['compress', model, '--recipe', asymmetric, '--out', join(dir, 'asym.onnx')], captureIo()), 0);
    assert.notDeepEqual(readFileSync(short), readFileSync(join(dir, 'asym.onnx')));
  });

  it('names a bad recipe (exit 1), and a recipe needing images the default dataset cannot give (exit 2)', async () => {
    let io = captureIo();
    assert.equal(await main(['compress', model, '--recipe', '{"prune":{"ratio":1,"structure":"channel"}}', '--out', join(dir, 'x.onnx')], io), 1);
    assert.match(io.stderr, /prune.ratio must be in \[0, 1\), got 1/);
    io = captureIo();
    const distill = '{"distill":{"temperature":2,"alpha":0.5,"epochs":1,"layers":"all"}}';
    assert.equal(await main(['compress', model, '--recipe', distill, '--out', join(dir, 'y.onnx')], io), 2);
    assert.match(io.stderr, /using --dataset fashion-mnist --split fit/);
    assert.match(io.stderr, /fashion-mnist does not fit the model \(the model's input \[N, 1, 4, 4\] does not take the dataset's images \[1, 28, 28\].*give images with --dataset NAME or --images\/--labels/);
    io = captureIo();
    assert.equal(await main(['compress', model, '--recipe', '{not json', '--out', join(dir, 'z.onnx')], io), 2);
    assert.match(io.stderr, /^frontier: --recipe is not valid JSON: /);
    assert.equal(existsSync(join(dir, 'z.onnx')), false);
  });

  it('calibrates on Fashion-MNIST when a recipe needs images and none are named', async () => {
    // [N, 1, 28, 28] → Conv 1→4 3×3 stride 2 → Relu → Flatten → Gemm 676→10.
    const b = new GraphBuilder();
    const x = b.input('x', ['N', 1, 28, 28]);
    const w = b.initializer(floatTensor('conv.w', [4, 1, 3, 3], Array.from({ length: 36 }, (_, i) => Math.sin(i))));
    const h = b.node('Relu', [b.node('Conv', [x, w], { strides: [2, 2] }, 'conv')]);
    const fc = b.initializer(floatTensor('fc.w', [10, 676], Array.from({ length: 6760 }, (_, i) => Math.cos(i) / 10)));
    b.output(b.node('Gemm', [b.node('Flatten', [h]), fc], { transB: 1 }, 'fc'), ['N', 10]);
    const path = join(dir, 'm28.onnx');
    writeFileSync(path, writeModel(b.build()));
    const io = captureIo();
    const recipe = '{"prune":{"ratio":0.5,"structure":"unstructured","repair":"reconstruct"},"quant":{"weightBits":4,"rounding":"gptq"}}';
    assert.equal(await main(['compress', path, '--recipe', recipe, '--out', join(dir, 'm28-small.onnx')], io), 0, io.stderr);
    assert.match(io.stderr, /using --dataset fashion-mnist --split fit/);
    assert.match(io.stdout, /refitted to the unpruned outputs over 1000 images/);
    assert.match(io.stdout, /rounded by GPTQ on calibration images/);
  });

  it('checks the --out folder before any work (exit 2, naming the folder)', async () => {
    const io = captureIo();
    const out = join(dir, 'no-such-folder', 'm.onnx');
    // The model does not exist either: the folder is checked first, before anything is read.
    assert.equal(await main(['compress', join(dir, 'missing.onnx'), '--recipe', '{"lowRank":{"rankRatio":0.5}}', '--out', out], io), 2);
    assert.match(io.stderr, new RegExp(`--out .*the folder .*no-such-folder does not exist`));
  });

  it('names a recipe that is valid JSON but not an object, given as text or as a file (exit 1)', async () => {
    let io = captureIo();
    assert.equal(await main(['compress', model, '--recipe', '[1,2]', '--out', join(dir, 'a.onnx')], io), 1);
    assert.match(io.stderr, /recipe must be an object, got \[1,2\]/);
    writeFileSync(join(dir, 'string-recipe.json'), '"quant"');
    io = captureIo();
    assert.equal(await main(['compress', model, '--recipe', join(dir, 'string-recipe.json'), '--out', join(dir, 'b.onnx')], io), 1);
    assert.match(io.stderr, /recipe must be an object, got "quant"/);
  });

  it('reports the same peak activation memory as inspect for the same file', async () => {
    const file = fileURLToPath(new URL('../../../../test/fixtures/tv-mobilenetv2.onnx', import.meta.url));
    const inspected = captureIo();
    assert.equal(await main(['inspect', file, '--json'], inspected), 0, inspected.stderr);
    const compressed = captureIo();
    assert.equal(await main(['compress', file, '--recipe', '{"lowRank":{"rankRatio":0.5}}', '--out', join(dir, 'lr.onnx'), '--json'], compressed), 0, compressed.stderr);
    const peak = JSON.parse(inspected.stdout).peakActivationBytes;
    assert.ok(peak > 0);
    assert.equal(JSON.parse(compressed.stdout).before.peakActivationBytes, peak);
  });
});
