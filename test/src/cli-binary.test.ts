// The `frontier` binary as a user runs it (a child process through npm's bin link), on ONNX files
// exported by another tool (PyTorch, see test/fixtures/make-torch-fixtures.py).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { hermeticEnv } from './support/frontier-cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

function frontier(...args: string[]) {
  const r = spawnSync(process.execPath, ['client/bin/frontier.js', ...args], { cwd: root, encoding: 'utf8', env: hermeticEnv() });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('frontier binary', () => {
  it('inspects a model exported by PyTorch', () => {
    const r = frontier('inspect', fixture('torch-small-cnn.onnx'), '--json');
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.producer, 'pytorch 1.13.0');
    assert.deepEqual(report.inputs[0].dims, [1, 1, 28, 28]);
    assert.deepEqual(report.outputs[0].dims, [1, 10]);
    // conv 1→8 3×3 on 28×28, conv 8→16 3×3 on 14×14, Gemm 784→32, Gemm 32→10.
    assert.equal(report.macs, 28 * 28 * 8 * 9 + 14 * 14 * 16 * 8 * 9 + 784 * 32 + 32 * 10);
  });

  it('names the unsupported operators of an exported model and exits 1', () => {
    const r = frontier('inspect', fixture('torch-gelu-mlp.onnx'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unsupported operators: Div \(node "\/Div"\); Erf \(node "\/Erf"\)/);
  });

  it('evaluates an exported model on Fashion-MNIST', () => {
    const r = frontier('evaluate', fixture('torch-small-cnn.onnx'), '--dataset', 'fashion-mnist', '--split', 'test', '--limit', '500', '--runs', '5', '--json');
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.dataset, 'fashion-mnist/test');
    assert.equal(report.accuracy.count, 500);
    // The fixture is trained (3 epochs, 89.3% on the whole test split in PyTorch); PyTorch itself
    // counted its correct answers on the same 500 images, and onnxruntime must agree exactly: a
    // wrong pixel scale, image order or label order moves a working classifier's count by far more
    // than one image, where an untrained net (one class for almost every image) would not notice.
    const expected = JSON.parse(readFileSync(fixture('torch-small-cnn.expected.json'), 'utf8'));
    assert.ok(expected.correct >= 400, `the fixture is a working classifier (${expected.correct} of 500)`);
    assert.equal(report.accuracy.correct, expected.correct);
    assert.ok(report.latency.medianMs > 0);
  });

  it('exits 2 on bad usage', () => {
    const r = frontier('inspect', '--bogus');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: unknown option '--bogus'\n\(run with --help for usage\)\n$/);
  });
});
