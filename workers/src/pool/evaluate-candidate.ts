import { createRequire } from 'node:module';
import { compress } from '../compress/compress.js';
import { datasetDigest, type Dataset } from '../data/dataset.js';
import { loadFashionMnistImages, fashionMnistSplit, type FashionMnistImages, type FashionMnistSplit } from '../data/fashion-mnist.js';
import { deviceGraphFor } from '../devices/device-graph.js';
import { deviceMemory } from '../devices/device-memory.js';
import { HOST_DEVICE_ID } from '../devices/device-spec.js';
import { predictLatency } from '../devices/latency-model.js';
import { WorkersError } from '../errors.js';
import { accuracyInSession } from '../eval/evaluate-accuracy.js';
import { latencyInSession } from '../eval/measure-latency.js';
import { withSession } from '../eval/session.js';
import { readModel } from '../onnx/read-model.js';
import type { EvaluateOutput, EvaluateTask, PoolDataset, TestOutput, TestTask } from './candidate-task.js';

/**
 * Loaded data kept between tasks on one thread: the image file is read once, each split cut once.
 * A cache belongs to one thread; it is never shared.
 */
export class EvaluationCache {
  private images: { dataDir: string; all: FashionMnistImages } | undefined;
  private readonly splits = new Map<string, { data: Dataset; digest: string }>();

  split(dataset: PoolDataset, dataDir: string, split: FashionMnistSplit): { data: Dataset; digest: string } {
    const key = `${dataset}/${dataDir}/${split}`;
    let hit = this.splits.get(key);
    if (!hit) {
      if (this.images?.dataDir !== dataDir) this.images = { dataDir, all: loadFashionMnistImages({ dataDir }) };
      const data = fashionMnistSplit(this.images.all, split);
      hit = { data, digest: datasetDigest(data) };
      this.splits.set(key, hit);
    }
    return hit;
  }
}

const require = createRequire(import.meta.url);
const VERSIONS: Readonly<Record<string, string>> = {
  frontier: (require('../../package.json') as { version: string }).version,
  'onnxruntime-node': (require('onnxruntime-node/package.json') as { version: string }).version,
  node: process.version,
};

/**
 * Compresses the task's model by its recipe (fine-tuning and calibration on `fit`) and measures
 * the result for the task's device: top-1 accuracy on `val`; peak RAM and deploy bytes from the
 * device's memory model; latency measured with onnxruntime-node on `host`, predicted elsewhere (a
 * device that cannot run the model's precisions fails the task, naming them).
 */
export async function evaluateCandidate(task: EvaluateTask, cache: EvaluationCache): Promise<EvaluateOutput> {
  const t0 = performance.now();
  const fit = cache.split(task.dataset, task.dataDir, 'fit').data;
  const val = cache.split(task.dataset, task.dataDir, 'val');
  const t1 = performance.now();
  const result = await compress(readModel(task.model.bytes), task.recipe, { fit, seed: task.seed });
  const t2 = performance.now();
  const graph = deviceGraphFor(result.model, task.device);
  const memory = deviceMemory(graph, task.device);
  const predicted = predictLatency(graph, task.device);
  if (!predicted.supported) throw new WorkersError('BAD_DEVICE', predicted.message);
  const host = task.device.id === HOST_DEVICE_ID;
  const measured = await withSession(result.bytes, async (session) => ({
    accuracy: await accuracyInSession(session, val.data, {}),
    latency: host ? await latencyInSession(session, task.latency ?? {}) : undefined,
  }));
  const t3 = performance.now();
  const after = result.report.after;
  return {
    kind: 'evaluate',
    metrics: {
      accuracy: { val: measured.accuracy.accuracy },
      latency: measured.latency
        ? { ms: measured.latency.medianMs, source: 'MEASURED' }
        : { ms: predicted.ms, source: 'PREDICTED', ...(predicted.stack ? { uncertainty: predicted.stack.uncertainty } : {}) },
      peakRamBytes: memory.peakRamBytes,
      modelBytes: result.bytes.length,
      deployBytes: memory.storageBytes,
      params: after.params,
      nonzeroParams: after.nonzeroParams,
      macs: after.macs,
    },
    artifact: result.bytes,
    provenance: {
      modelSha256: task.model.sha256,
      datasetSha256: val.digest,
      versions: VERSIONS,
      seed: task.seed,
      timings: { loadMs: t1 - t0, compressMs: t2 - t1, evaluateMs: t3 - t2, totalMs: t3 - t0 },
      stages: result.report.stages.map((s) => ({ stage: s.stage, summary: s.summary, seconds: s.seconds, after: s.after })),
    },
  };
}

/** Top-1 accuracy of a compressed model on the `test` split. */
export async function evaluateTestSplit(task: TestTask, cache: EvaluationCache): Promise<TestOutput> {
  const test = cache.split(task.dataset, task.dataDir, 'test').data;
  const accuracy = await withSession(task.artifact, (session) => accuracyInSession(session, test, {}));
  return { kind: 'test', accuracy: accuracy.accuracy };
}
