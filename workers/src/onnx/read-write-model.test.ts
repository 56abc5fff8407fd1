import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, floatAttribute } from './graph-builder.js';
import { DataType, type Model } from './model.js';
import { readModel } from './read-model.js';
import { writeModel } from './write-model.js';
import { floatTensor, int64Tensor, makeTensor } from './tensor.js';
import { WorkersError } from '../errors.js';
import { ModelProtoType } from './onnx-schema.js';

/** A small model touching every encoding path: raw and typed data, int64, attributes of each kind. */
function sampleModel(): Model {
  const b = new GraphBuilder({ name: 'sample', opset: 17 });
  const x = b.input('x', ['N', 2, 4, 4]);
  const w = b.initializer(floatTensor('w', [3, 2, 3, 3], Array.from({ length: 54 }, (_, i) => Math.sin(i))));
  const bias = b.initializer(floatTensor('b', [3], [0.1, -0.2, 0.3]));
  const c = b.node('Conv', [x, w, bias], { pads: [1, 1, 1, 1], strides: [2, 2], kernel_shape: [3, 3] }, 'conv');
  const r = b.node('Relu', [c], {}, 'relu');
  const shape = b.initializer(int64Tensor('shape', [2], [-1, 12]));
  const flat = b.node('Reshape', [r, shape], {}, 'reshape');
  const g = b.initializer(floatTensor('g', [4, 12], Array.from({ length: 48 }, (_, i) => Math.cos(i) / 4)));
  const y = b.node('Gemm', [flat, g], { transB: 1, alpha: floatAttribute(1) }, 'fc');
  b.output(y, ['N', 4]);
  return b.build();
}

describe('readModel / writeModel', () => {
  it('round-trips a model exactly', () => {
    const model = sampleModel();
    const bytes = writeModel(model);
    const back = readModel(bytes);
    assert.deepEqual(back, model);
    assert.deepEqual(writeModel(back), bytes);
  });

  it('round-trips int8, packed int4, int64 extremes and string attributes', () => {
    const b = new GraphBuilder({ opset: 21, irVersion: 10 });
    const x = b.input('x', [1, 5]);
    const q4 = b.initializer(makeTensor('q4', DataType.INT4, [5, 3], Int8Array.from([-8, -1, 0, 1, 7, 3, -3, 2, 5, -5, 6, -6, 4, -4, 0])));
    const s = b.initializer(floatTensor('s', [], [0.5]));
    const zp = b.initializer(makeTensor('zp', DataType.INT4, [], Int8Array.from([0])));
    const dq = b.node('DequantizeLinear', [q4, s, zp]);
    const y = b.node('MatMul', [x, dq]);
    b.initializer(makeTensor('big', DataType.INT64, [2], BigInt64Array.from([9223372036854775807n, -9223372036854775808n])));
    b.output(y, [1, 3]);
    const model = { ...b.build(), docString: 'doc', metadata: { author: 'frontier' } };
    const back = readModel(writeModel(model));
    assert.deepEqual(back, model);
  });

  it('writes models that onnxruntime-node runs, with outputs matching a reference computed in JS', async () => {
    const model = sampleModel();
    const input = Float32Array.from({ length: 2 * 2 * 4 * 4 }, (_, i) => ((i * 7) % 11) / 10 - 0.5);
    const session = await ort.InferenceSession.create(writeModel(model), { intraOpNumThreads: 1 });
    try {
      const out = await session.run({ x: new ort.Tensor('float32', input, [2, 2, 4, 4]) });
      const got = out[session.outputNames[0]!]!.data as Float32Array;
      const want = referenceForward(model, input, 2);
      assert.equal(got.length, want.length);
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) < 1e-5, `output ${i}: ${got[i]} vs ${want[i]}`);
    } finally {
      await session.release();
    }
  });
});

/** Direct loops for sampleModel(): conv (stride 2, pad 1) → relu → reshape [N, 12] → x·gᵀ. */
function referenceForward(model: Model, x: Float32Array, n: number): number[] {
  const get = (name: string) => model.graph.initializers.find((t) => t.name === name)!.data as Float32Array;
  const w = get('w');
  const b = get('b');
  const g = get('g');
  const out: number[] = [];
  for (let s = 0; s < n; s++) {
    const feat: number[] = [];
    for (let m = 0; m < 3; m++)
      for (let oy = 0; oy < 2; oy++)
        for (let ox = 0; ox < 2; ox++) {
          let acc = b[m]!;
          for (let c = 0; c < 2; c++)
            for (let ky = 0; ky < 3; ky++)
              for (let kx = 0; kx < 3; kx++) {
                const iy = oy * 2 + ky - 1;
                const ix = ox * 2 + kx - 1;
                if (iy < 0 || iy >= 4 || ix < 0 || ix >= 4) continue;
                acc += x[((s * 2 + c) * 4 + iy) * 4 + ix]! * w[((m * 2 + c) * 3 + ky) * 3 + kx]!;
              }
          feat.push(Math.max(0, acc));
        }
    for (let j = 0; j < 4; j++) out.push(feat.reduce((acc, f, k) => acc + f * g[j * 12 + k]!, 0));
  }
  return out;
}

describe('malformed models', () => {
  const bytes = writeModel(sampleModel());
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof WorkersError, `expected WorkersError, got ${String(err)}`);
      return { code: err.code, message: err.message };
    }
    assert.fail('expected an error');
  };

  it('rejects an empty file', () => {
    assert.deepEqual(code(() => readModel(new Uint8Array())).code, 'BAD_MODEL');
  });

  it('rejects a truncated file, saying so', () => {
    const e = code(() => readModel(bytes.subarray(0, bytes.length - 40)));
    assert.equal(e.code, 'BAD_MODEL');
    assert.match(e.message, /truncated or corrupt/);
  });

  it('rejects a file of another format (wrong magic)', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    assert.equal(code(() => readModel(png)).code, 'BAD_MODEL');
    const text = new TextEncoder().encode('{"not": "onnx"}');
    assert.equal(code(() => readModel(text)).code, 'BAD_MODEL');
  });

  it('rejects a NaN or negative dimension, naming the value', () => {
    const m = sampleModel();
    const bad: Model = { ...m, graph: { ...m.graph, inputs: [{ ...m.graph.inputs[0]!, shape: [1, Number.NaN, 4, 4] }] } };
    const e = code(() => writeModel(bad));
    assert.match(e.message, /"x" has an invalid dimension NaN/);
    const neg: Model = { ...m, graph: { ...m.graph, inputs: [{ ...m.graph.inputs[0]!, shape: [1, -2, 4, 4] }] } };
    assert.match(code(() => writeModel(neg)).message, /invalid dimension -2/);
  });

  it('rejects an initializer whose data does not match its shape', () => {
    const m = sampleModel();
    const t = m.graph.initializers[0]!;
    const bad: Model = { ...m, graph: { ...m.graph, initializers: [{ ...t, dims: [3, 2, 3, 4] }, ...m.graph.initializers.slice(1)] } };
    assert.match(code(() => writeModel(bad)).message, /initializer "w" has shape \[3, 2, 3, 4\] but 54 values/);
  });

  it('rejects a graph that reads a value nothing produces', () => {
    const m = sampleModel();
    const nodes = m.graph.nodes.map((n) => (n.name === 'relu' ? { ...n, inputs: ['missing'] } : n));
    assert.match(code(() => writeModel({ ...m, graph: { ...m.graph, nodes } })).message, /reads "missing", which nothing produces/);
  });

  /** The sample model's protobuf, edited as a plain object and encoded again. */
  const edited = (mutate: (o: { graph: { initializer: { dims: string[] }[]; node: object[] } }) => void): Uint8Array => {
    const o = ModelProtoType.toObject(ModelProtoType.decode(writeModel(sampleModel())), { longs: String, arrays: true });
    mutate(o as Parameters<typeof mutate>[0]);
    return ModelProtoType.encode(ModelProtoType.fromObject(o)).finish();
  };

  it('rejects a tensor of impossible size, naming it, without allocating it', () => {
    const huge = code(() => readModel(edited((o) => (o.graph.initializer[0]!.dims = ['100000', '100000', '100000']))));
    assert.equal(huge.code, 'BAD_MODEL');
    assert.match(huge.message, /initializer "w" has an impossible size: shape \[100000, 100000, 100000\] is 1\.000e\+15 elements/);
    // A billion floats claimed, 216 bytes present: named before 4 GB are allocated.
    const big = code(() => readModel(edited((o) => (o.graph.initializer[0]!.dims = ['1000000000']))));
    assert.match(big.message, /initializer "w" has 216 bytes of raw data, expected 4000000000 for 1000000000 FLOAT elements/);
  });

  it('rejects a subgraph attribute (If/Loop), naming the node, its op and the attribute', () => {
    const bytes = edited((o) => o.graph.node.push({ name: 'branch', op_type: 'If', input: ['x'], output: ['y2'], attribute: [{ name: 'then_branch', type: 5, g: { name: 'then' } }] }));
    const e = code(() => readModel(bytes));
    assert.equal(e.code, 'UNSUPPORTED_OP');
    assert.match(e.message, /node "branch" \(If\) holds a subgraph in attribute "then_branch": control flow \(If, Loop, Scan\) is not supported/);
  });
});
