// `kernels`: each compression kernel's throughput on a large weight tensor against a plain memory
// copy of the same bytes (the limit any pass over the weights meets), and the host latency of
// fashion-cnn as fp32, static int8 and 25 % channel-pruned, measured side by side; then compression
// without fine-tuning against PyTorch's own (kernels-torch.ts).
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import {
  GraphBuilder,
  Rng,
  buildArchitecture,
  compress,
  createSession,
  defaultDataDir,
  latencyInSession,
  loadFashionMnist,
  lowRankSvd,
  pruneChannels,
  pruneMagnitude,
  quantizeWeights,
  readModel,
  floatTensor,
  zooModelPath,
  type Model,
  type Recipe,
} from '@frontier/workers';
import { torchPeerRecords } from './kernels-torch.js';
import { median, type BenchRecord, type BenchSection } from './record.js';

/** The large weight: a Gemm 4096 → 1024 (16 MiB of float32), read by a 1024 → 10 classifier. */
const ROWS = 1024;
const COLS = 4096;

function twoLayerModel(rows: number, cols: number, seed: number): Model {
  const rng = new Rng(seed);
  const b = new GraphBuilder({ name: 'kernel-bench' });
  const x = b.input('x', ['N', cols]);
  const w1 = b.initializer(floatTensor('fc1.weight', [rows, cols], Float32Array.from({ length: rows * cols }, () => rng.normal(0, 0.02))));
  const h = b.node('Relu', [b.node('Gemm', [x, w1], { transB: 1 }, 'fc1')]);
  const w2 = b.initializer(floatTensor('fc2.weight', [10, rows], Float32Array.from({ length: 10 * rows }, () => rng.normal(0, 0.05))));
  b.output(b.node('Gemm', [h, w2], { transB: 1 }, 'fc2'), ['N', 10]);
  return b.build();
}

/** Median wall time in ms of `runs` calls of `fn` after one untimed call. */
function timeMs(fn: () => unknown, runs: number): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/**
 * MB/s (10^6 bytes) of a plain copy of the bytes (`TypedArray.set` into a buffer allocated once):
 * memory bandwidth, the limit of any pass over the weights. Kernels also allocate their outputs,
 * and fresh large allocations cost page faults on top — `allocRate` measures that separately.
 */
function copyRate(source: Float32Array): number {
  const target = new Float32Array(source.length);
  const ms = timeMs(() => target.set(source), 20);
  return source.byteLength / 1e3 / ms;
}

/** MB/s of copying into a freshly allocated buffer each time (allocation and first-touch page faults included). */
function allocRate(source: Float32Array): number {
  const ms = timeMs(() => new Float32Array(source.length).set(source), 10);
  return source.byteLength / 1e3 / ms;
}

function throughputRecords(): BenchRecord[] {
  const model = twoLayerModel(ROWS, COLS, 7);
  const weight = model.graph.initializers.find((t) => t.name === 'fc1.weight')!.data as Float32Array;
  const copy = copyRate(weight);
  const limit = { name: 'memory copy (TypedArray.set) of the same bytes', value: copy, unit: 'MB/s' };
  const fresh = allocRate(weight);
  const mb = (weight.byteLength + 10 * ROWS * 4) / 1e6;
  const kernels: [string, () => unknown, number][] = [
    ['prune.unstructured (global 50 %)', () => pruneMagnitude(model, { ratio: 0.5 }), 5],
    ['prune.channel (25 %, L1)', () => pruneChannels(model, { ratio: 0.25 }), 5],
    ['quant.weights int8 per-channel', () => quantizeWeights(model, { bits: 8, granularity: 'per-channel', symmetric: true }), 5],
    ['quant.weights int4 per-channel', () => quantizeWeights(model, { bits: 4, granularity: 'per-channel', symmetric: false }), 5],
    ['quant.weights binary per-channel', () => quantizeWeights(model, { bits: 1, granularity: 'per-channel', symmetric: true }), 5],
  ];
  const records: BenchRecord[] = kernels.map(([name, fn, runs]) => {
    const rate = mb / (timeMs(fn, runs) / 1e3);
    return {
      name: `kernel.${name}`,
      value: rate,
      unit: 'MB/s',
      against: limit,
      ratio: rate / copy,
      ratioMeaning: 'fraction of the copy rate',
      note: `fp32 weights [${ROWS}, ${COLS}] + [10, ${ROWS}], ${runs} runs, median`,
    };
  });
  // A full SVD is O(m·n·min(m, n)): timed on fashion-cnn's fc1 shape instead of the large tensor.
  const svdModel = twoLayerModel(128, 3136, 8);
  const svdMb = (128 * 3136 + 10 * 128) * 4 / 1e6;
  const svdMs = timeMs(() => lowRankSvd(svdModel, { rankRatio: 0.25 }), 3);
  records.push({
    name: 'kernel.lowRank (SVD, rank ratio 0.25)',
    value: svdMb / (svdMs / 1e3),
    unit: 'MB/s',
    against: limit,
    ratio: svdMb / (svdMs / 1e3) / copy,
    ratioMeaning: 'fraction of the copy rate',
    note: `ml-matrix SVD of [128, 3136] (fashion-cnn fc1): ${svdMs.toFixed(0)} ms, median of 3`,
  });
  records.push({
    name: 'copy into a fresh buffer (allocation + page faults)',
    value: fresh,
    unit: 'MB/s',
    against: limit,
    ratio: fresh / copy,
    ratioMeaning: 'fraction of the copy rate',
    note: `${(weight.byteLength / 2 ** 20).toFixed(0)} MiB; every kernel allocates its outputs, so this bounds them too; load average ${os.loadavg()[0]!.toFixed(2)}`,
  });
  return records;
}

/** fashion-cnn from the zoo, or the same architecture untrained when the zoo has not been built. */
function fashionCnn(): { model: Model; source: string } {
  const path = zooModelPath('fashion-cnn');
  if (existsSync(path)) return { model: readModel(readFileSync(path)), source: 'zoo fashion-cnn' };
  return { model: buildArchitecture('fashion-cnn', 1), source: 'fashion-cnn architecture, untrained (zoo not built)' };
}

async function latencyRecords(): Promise<BenchRecord[]> {
  const { model, source } = fashionCnn();
  const fit = loadFashionMnist({ split: 'fit', dataDir: defaultDataDir() });
  const variants: [string, Recipe][] = [
    ['fp32', {}],
    ['int8 static (per-channel weights)', { quant: { weightBits: 8, activationBits: 8, granularity: 'per-channel', symmetric: true } }],
    ['channel-pruned 25 %', { prune: { ratio: 0.25, structure: 'channel' } }],
  ];
  const compressed = [];
  for (const [name, recipe] of variants) compressed.push({ name, result: await compress(model, recipe, { fit, calibrationCount: 500 }) });
  const sessions: ort.InferenceSession[] = [];
  try {
    for (const c of compressed) sessions.push(await createSession(c.result.bytes));
    // Interleaved rounds, so drift on the shared machine hits every variant alike.
    const medians: number[][] = compressed.map(() => []);
    const load = os.loadavg()[0]!;
    for (let round = 0; round < 9; round++) {
      for (let i = 0; i < sessions.length; i++) medians[i]!.push((await latencyInSession(sessions[i]!, { warmup: 5, runs: 40 })).medianMs);
    }
    const fp32 = median(medians[0]!);
    return compressed.map((c, i) => {
      const ms = median(medians[i]!);
      const f = c.result.report.after;
      return {
        name: `latency.fashion-cnn.${c.name}`,
        value: ms,
        unit: 'ms',
        ...(i > 0 ? { against: { name: 'fp32', value: fp32, unit: 'ms' }, ratio: fp32 / ms, ratioMeaning: 'speed-up over fp32' } : {}),
        note: `${source}; batch 1, ORT 1 thread, median of 9 interleaved rounds × 40 runs; MACs ${f.macs}, file ${f.fileBytes} B, deploy ${f.deployBytes} B; load average ${load.toFixed(2)}`,
      };
    });
  } finally {
    for (const s of sessions) await s.release();
  }
}

export const kernelsSection: BenchSection = {
  name: 'kernels',
  description:
    'compression kernels: throughput vs a memory copy; fashion-cnn latency fp32 / int8 static / channel-pruned; ' +
    'test accuracy without fine-tuning vs PyTorch (pruning, low-bit weights) on three CNNs it trains',
  async run() {
    return [...throughputRecords(), ...(await latencyRecords()), ...(await torchPeerRecords())];
  },
};
