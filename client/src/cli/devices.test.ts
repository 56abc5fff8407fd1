import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATALOGUE_DEVICES, GraphBuilder, deviceGraph, findDevice, floatTensor, predictLatency, writeModel, type DeviceSpec, type Model } from '@frontier/workers';
import { main } from './main.js';
import { captureIo } from './capture-io.js';

/** [1,1,12,12] → Conv k×k (width) → Relu → MaxPool → Flatten → Gemm → 4 classes. */
function cnn(width: number, kernel: number): Model {
  const b = new GraphBuilder();
  const x = b.input('image', [1, 1, 12, 12]);
  const pad = Math.floor(kernel / 2);
  const w = b.initializer(floatTensor('w', [width, 1, kernel, kernel], Float32Array.from({ length: width * kernel * kernel }, (_, i) => ((i % 5) + 1) / 10)));
  const c = b.node('Relu', [b.node('Conv', [x, w], { kernel_shape: [kernel, kernel], pads: [pad, pad, pad, pad] }, 'conv')]);
  const p = b.node('Flatten', [b.node('MaxPool', [c], { kernel_shape: [2, 2], strides: [2, 2] }, 'pool')], { axis: 1 });
  const fw = b.initializer(floatTensor('fw', [width * 36, 4], Float32Array.from({ length: width * 144 }, (_, i) => ((i % 7) - 3.5) / 10)));
  b.output(b.node('Gemm', [p, fw], {}, 'fc'), [1, 4]);
  return b.build();
}

describe('frontier devices / predict / device calibrate', () => {
  let dir: string;
  let modelPath: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'frontier-devices-'));
    modelPath = join(dir, 'cnn.onnx');
    writeFileSync(modelPath, writeModel(cnn(8, 3)));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('devices lists the catalogue, as a table and as JSON specs', async () => {
    let io = captureIo();
    assert.equal(await main(['devices', '--json'], io), 0);
    const specs = JSON.parse(io.stdout) as DeviceSpec[];
    assert.deepEqual(specs.map((d) => d.id), ['host', 'rpi4', 'stm32h7', 'stm32u5', 'stm32l4r5', 'esp32-s3', 'edge-tpu']);
    assert.equal(specs.find((d) => d.id === 'edge-tpu')!.peakMacsPerSecond.fp32, undefined);
    io = captureIo();
    assert.equal(await main(['devices'], io), 0);
    assert.match(io.stdout, /^stm32h7\s+STM32H743 \(Cortex-M7\)\s+512\.0 KiB\s+2\.0 MiB\s+flash \(XIP\)/m);
  });

  it('predict gives latency with its source, peak RAM, storage and the fit', async () => {
    const io = captureIo();
    assert.equal(await main(['predict', modelPath, '--device', 'stm32h7', '--json'], io), 0);
    const r = JSON.parse(io.stdout).results[0];
    assert.equal(r.device.id, 'stm32h7');
    assert.equal(r.latencyMs.source, 'PREDICTED');
    assert.ok(r.latencyMs.ms > 0);
    // Conv+Relu output 8×12×12×4 = 4608 B and the pool's 8×6×6×4 = 1152 B, live together while the
    // pool runs (the conv step holds 576 + 4608 B); the weights stay in flash.
    assert.equal(r.memory.peakRamBytes, 5760);
    assert.equal(r.memory.storageBytes, (72 + 1152) * 4);
    assert.equal(r.fits, true);
    // The vendor stack's cost model, its fitted costs and uncertainty, and the roofline beside it.
    assert.equal(r.latency.model, 'cost-model');
    assert.equal(r.latency.stack.id, 'x-cube-ai-9');
    assert.ok(r.latency.stack.uncertainty > 0 && r.latency.stack.costs.fp32.conv > 0);
    assert.ok(r.latency.rooflineMs < r.latency.ms);
  });

  it('predict prints the stack, its costs per layer type and its held-out error; names a stack a device lacks', async () => {
    const io = captureIo();
    assert.equal(await main(['predict', modelPath, '--device', 'stm32l4r5', '--stack', 'x-cube-ai-9'], io), 0);
    assert.match(io.stdout, /ms PREDICTED ±\d+% \(x-cube-ai-9\); roofline ≥ /);
    assert.match(io.stdout, /stm32l4r5: STMicroelectronics X-CUBE-AI 9\.0 .*; held-out error ±\d+\.\d%/);
    assert.match(io.stdout, /fp32: conv \d+\.\d\d, depthwise .* cycles\/MAC; /);
    const bad = captureIo();
    assert.notEqual(await main(['predict', modelPath, '--device', 'stm32h7', '--stack', 'cmsis-nn'], bad), 0);
    assert.match(bad.stderr, /--stack "cmsis-nn" is not modelled for stm32h7 \(stacks: x-cube-ai-9, tflm-reference\)/);
  });

  it('predict measures on host and says so', async () => {
    const io = captureIo();
    assert.equal(await main(['predict', modelPath, '--device', 'host', '--runs', '3', '--json'], io), 0);
    const r = JSON.parse(io.stdout).results[0];
    assert.equal(r.latencyMs.source, 'MEASURED');
    assert.equal(r.measured.runs, 3);
    assert.equal(r.latency.source, 'PREDICTED');
  });

  it('predict reports an unsupported precision as not fitting, for every device at once', async () => {
    const io = captureIo();
    assert.equal(await main(['predict', modelPath, '--device', 'all', '--no-measure'], io), 0);
    assert.match(io.stdout, /^edge-tpu\s+unsupported\s+.*\bno\s+edge-tpu cannot execute fp32 \(it runs int8\): layers conv, pool, fc$/m);
    assert.match(io.stdout, /^esp32-s3\s+[\d.]+ ms PREDICTED \(roofline bound\)/m);
  });

  it('predict rejects an unknown device as bad usage and a bad device file as an error', async () => {
    let io = captureIo();
    assert.equal(await main(['predict', modelPath, '--device', 'pi5'], io), 2);
    assert.match(io.stderr, /unknown device "pi5" \(known: host, rpi4, stm32h7, stm32u5, stm32l4r5, esp32-s3, edge-tpu\)/);
    const bad = join(dir, 'bad-device.json');
    writeFileSync(bad, JSON.stringify({ ...findDevice('stm32h7', CATALOGUE_DEVICES), ramBytes: 0 }));
    io = captureIo();
    assert.equal(await main(['predict', modelPath, '--device', bad], io), 1);
    assert.match(io.stderr, /device\.ramBytes must be a positive integer number of bytes, got 0/);
    io = captureIo();
    assert.equal(await main(['predict', modelPath], io), 2);
    assert.match(io.stderr, /^error: required option '--device <id>' not specified\n/);
  });

  it('device calibrate fits measurements, writes a spec that predict then uses', async () => {
    // Latencies synthesized from a known calibration of the STM32H7 model.
    const truth: DeviceSpec = {
      ...findDevice('stm32h7', CATALOGUE_DEVICES),
      calibration: {
        coefficients: {
          'conv.fp32': { compute: 1.7, memory: 0.2, perOpSeconds: 4e-6 },
          'pointwise.fp32': { compute: 1.3, memory: 0.3, perOpSeconds: 3e-6 },
          'pool.fp32': { compute: 0.3, memory: 1.5, perOpSeconds: 2e-6 },
          'dense.fp32': { compute: 1.2, memory: 0.8, perOpSeconds: 1e-6 },
        },
        interceptSeconds: 2e-5,
        samples: 1,
        fitRmsRelativeError: 0,
      },
    };
    const rows = ['model,ms'];
    for (const width of [2, 4, 6, 8, 12, 16]) {
      for (const kernel of [1, 3, 5]) {
        const model = cnn(width, kernel);
        const name = `m-${width}-${kernel}.onnx`;
        writeFileSync(join(dir, name), writeModel(model));
        const p = predictLatency(deviceGraph(model), truth);
        assert.ok(p.supported);
        rows.push(`${name},${p.ms}`);
      }
    }
    const csv = join(dir, 'measured.csv');
    writeFileSync(csv, rows.join('\n') + '\n');
    const out = join(dir, 'h7-calibrated.json');
    let io = captureIo();
    assert.equal(await main(['device', 'calibrate', '--device', 'stm32h7', '--measurements', csv, '--out', out, '--json'], io), 0);
    const result = JSON.parse(io.stdout);
    assert.equal(result.samples, 18);
    assert.equal(result.fit.within10, 1);
    assert.ok(result.fit.spearman > 0.999);
    // The written spec predicts a model it was not fitted on as the known calibration does.
    const spec = JSON.parse(readFileSync(out, 'utf8')) as DeviceSpec;
    const unseen = deviceGraph(cnn(10, 3));
    const [fitted, known] = [predictLatency(unseen, spec), predictLatency(unseen, truth)];
    assert.ok(fitted.supported && known.supported && Math.abs(fitted.ms - known.ms) < 1e-6 * known.ms);
    io = captureIo();
    assert.equal(await main(['predict', join(dir, 'm-6-3.onnx'), '--device', out], io), 0);
    assert.match(io.stdout, /^stm32h7\s+[\d.]+ ms PREDICTED\s/m);
    assert.doesNotMatch(io.stdout, /roofline bound/);
    io = captureIo();
    assert.equal(await main(['device', 'calibrate', '--device', 'stm32h7', '--measurements', csv], io), 0);
    // One coefficient row per layer class; with one conv, pool and dense layer in every model only
    // their sum with the intercept is identifiable, so the rows are not compared with the truth.
    assert.match(io.stdout, /^layer class\s+× compute\s+× memory\s+per op\n(?:\S+\.fp32\s+[\d.]+\s+[\d.]+\s+[\d.]+ µs\n){4}intercept [\d.]+ µs per inference$/m);
    assert.match(io.stdout, /calibrated \(on the fitting set\): 100% within ±10%/);
  });

  it('device calibrate reports bad measurements and bad usage', async () => {
    const csv = join(dir, 'broken.csv');
    writeFileSync(csv, 'cnn.onnx,1.5\ncnn.onnx,soon\n');
    let io = captureIo();
    assert.equal(await main(['device', 'calibrate', '--device', 'stm32h7', '--measurements', csv], io), 1);
    assert.match(io.stderr, /measurements line 2: ms must be a number, got "soon"/);
    io = captureIo();
    assert.equal(await main(['device', 'calibrate', '--device', 'all', '--measurements', csv], io), 2);
    assert.equal(io.stderr, 'frontier: --device: calibrate needs one device, not "all"\n');
    io = captureIo();
    assert.equal(await main(['device', 'calibrate', '--device', 'stm32h7'], io), 2);
    assert.match(io.stderr, /^error: required option '--measurements <file.csv>' not specified\n/);
    io = captureIo();
    assert.equal(await main(['device', 'calibrate', '--help'], io), 0);
    assert.match(io.stdout, /Usage: frontier device calibrate/);
  });
});
