// Honest exit codes and clear messages from `frontier search` and `frontier front`, through the
// binary: a search whose every candidate fails, flags ignored by --resume, unknown models and devices.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataType, GraphBuilder, floatTensor, makeTensor, writeModel } from '@frontier/workers';
import { freshDataDir } from './support/data-dir.js';
import { frontier } from './support/frontier-cli.js';

/**
 * A classifier whose logits pass through QuantizeLinear → DequantizeLinear: it evaluates, but
 * distillation cannot train through the quantizer, so every distilling candidate fails.
 */
function untrainableModel(): Uint8Array {
  const b = new GraphBuilder({ opset: 13 });
  const x = b.input('input', ['N', 1, 28, 28]);
  const w = b.initializer(floatTensor('fc', [10, 784], Array.from({ length: 7840 }, (_, i) => Math.sin(i) / 30)));
  const logits = b.node('Gemm', [b.node('Flatten', [x]), w], { transB: 1 });
  const scale = b.initializer(floatTensor('scale', [], [0.05]));
  const zero = b.initializer(makeTensor('zero', DataType.UINT8, [], Uint8Array.of(128)));
  b.output(b.node('DequantizeLinear', [b.node('QuantizeLinear', [logits, scale, zero], {}, 'quantize'), scale, zero]), ['N', 10]);
  return writeModel(b.build());
}

describe('frontier search and front: exit codes and messages', () => {
  const dataDir = freshDataDir();
  const model = join(dataDir, 'untrainable.onnx');
  const space = join(dataDir, 'space.json');
  before(() => {
    writeFileSync(model, untrainableModel());
    writeFileSync(space, JSON.stringify({ distill: { optional: false, temperature: { values: [2, 4] }, alpha: { values: [0.5] }, epochs: { values: [0.01] }, layers: { values: ['all'] } } }));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('exits 1 when every candidate FAILED, summarising the reasons', () => {
    const r = frontier(['search', '--model', model, '--device', 'host', '--budget', '2', '--sampler', 'grid', '--space', space, '--data-dir', dataDir]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /every evaluated candidate FAILED \(2\):\n {2}2 × threw: cannot train through node "quantize" \(QuantizeLinear\)/);
  });

  it('front: an unknown model or device exits 1 naming the known ones', () => {
    const unknownModel = frontier(['front', '--model', 'fashion-mlp', '--device', 'host', '--data-dir', dataDir]);
    assert.equal(unknownModel.code, 1);
    assert.match(unknownModel.stderr, /fashion-mlp is not in the store in .* \(no model with sha256 [0-9a-f]{12}…; add it with `frontier models add`\); models: untrainable \(\w+\)/);
    const unknownDevice = frontier(['front', '--model', model, '--device', 'toaster', '--data-dir', dataDir]);
    assert.equal(unknownDevice.code, 1);
    assert.match(unknownDevice.stderr, /unknown device "toaster" in the store in .*; devices: host/);
  });

  it('--resume says which other flags it ignores', () => {
    const r = frontier(['search', '--resume', 'no-such-run', '--model', model, '--budget', '3', '--sampler', 'random', '--data-dir', dataDir]);
    assert.match(r.stderr, /--resume: ignoring --model, --budget, --sampler \(a resumed run keeps the settings it was started with\)/);
    assert.equal(r.code, 1);
  });
});
