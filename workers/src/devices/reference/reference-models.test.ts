import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { measureLatency } from '../../eval/measure-latency.js';
import { readModel } from '../../onnx/read-model.js';
import { writeModel } from '../../onnx/write-model.js';
import { CATALOGUE_DEVICES, findDevice } from '../catalogue.js';
import { deviceGraph } from '../device-graph.js';
import { predictLatency } from '../latency-model.js';
import { dsCnn } from './ds-cnn.js';
import { mobileNetV1 } from './mobilenet-v1.js';
import { resNet8 } from './resnet-8.js';
import { samePadding } from './reference-net.js';

// MAC counts MLPerf Tiny quotes for its reference models (the README of ../shared/data and the
// MLPerf Tiny benchmark paper, Banbury et al. 2021, Table 1: KWS 2.66 M, VWW 7.49 M, IC 12.5 M).
const CASES = [
  { build: dsCnn, macs: 2.66e6, layers: 12 },
  { build: mobileNetV1, macs: 7.49e6, layers: 30 },
  { build: resNet8, macs: 12.5e6, layers: 15 },
] as const;

describe('MLPerf Tiny reference models', () => {
  it('"same" padding follows TensorFlow: 49 rows, kernel 10, stride 2 → 25 rows, padding 4 + 5', () => {
    assert.deepEqual(samePadding(49, 10, 2), [4, 5, 25]);
    assert.deepEqual(samePadding(96, 3, 2), [0, 1, 48]);
    assert.deepEqual(samePadding(25, 3, 1), [1, 1, 25]);
  });

  for (const c of CASES) {
    it(`${c.build.name}: the published MAC count and layer count, fp32 and QDQ alike`, () => {
      for (const precision of ['fp32', 'qdq'] as const) {
        const g = deviceGraph(c.build(precision));
        assert.ok(Math.abs(g.macs / c.macs - 1) < 0.005, `${c.build.name} ${precision}: ${g.macs} MACs, published ${c.macs}`);
        // Every conv, the pool, the dense layer and the softmax (ResNet-8: and three adds); QDQ adds
        // the input's QuantizeLinear and the output's DequantizeLinear.
        assert.equal(g.layers.length, c.layers + (precision === 'qdq' ? 2 : 0), g.layers.map((l) => l.name).join());
      }
    });

    it(`${c.build.name}: the QDQ build runs every layer in int8 and the Edge TPU accepts it`, () => {
      const g = deviceGraph(c.build('qdq'));
      assert.deepEqual([...new Set(g.layers.map((l) => l.precision))], ['int8']);
      assert.ok(predictLatency(g, findDevice('edge-tpu', CATALOGUE_DEVICES)).supported);
      assert.ok(!predictLatency(deviceGraph(c.build('fp32')), findDevice('edge-tpu', CATALOGUE_DEVICES)).supported);
    });
  }

  it('round-trips through the ONNX writer and runs in onnxruntime, float and QDQ', async () => {
    for (const c of CASES) {
      for (const precision of ['fp32', 'qdq'] as const) {
        const bytes = writeModel(c.build(precision));
        assert.equal(readModel(bytes).graph.nodes.length, c.build(precision).graph.nodes.length);
        const t = await measureLatency(bytes, { warmup: 1, runs: 2 });
        assert.ok(t.medianMs > 0, `${c.build.name} ${precision} ran`);
      }
    }
  });
});
