import { createRequire } from 'node:module';
import { compress } from '../compress/compress.js';
import { datasetDigest, type Dataset } from '../data/dataset.js';
import { conformDataset } from '../data/conform-dataset.js';
import { loadFashionMnistImages, fashionMnistSplit, type FashionMnistImages, type FashionMnistSplit } from '../data/fashion-mnist.js';
import { defaultStreamAboveBytes, loadRegisteredImages, registeredSplit, shouldStream, type RegisteredImages } from '../data/registered-dataset.js';
import { realInputs } from '../onnx/model.js';
import { deviceGraphFor } from '../devices/device-graph.js';
import { deviceMemory } from '../devices/device-memory.js';
import { HOST_DEVICE_ID } from '../devices/device-spec.js';
import { predictLatency } from '../devices/latency-model.js';
import { WorkersError } from '../errors.js';
import { accuracyInSession } from '../eval/evaluate-accuracy.js';
import { latencyInSession } from '../eval/measure-latency.js';
import { withSession } from '../eval/session.js';
import { readModel } from '../onnx/read-model.js';
import type { Model } from '../onnx/model.js';
import type { EvaluateOutput, EvaluateTask, PoolDataset, TestOutput, TestTask } from './candidate-task.js';

/**
 * Loaded data kept between tasks on one thread: the image file is read once, each split cut once.
 * A cache belongs to one thread; it is never shared.
 */
export class EvaluationCache {
  /** @param streamAboveBytes registered datasets whose cache is larger are streamed from the file. */
  constructor(private readonly streamAboveBytes = defaultStreamAboveBytes()) {}

  private images: { dataDir: string; all: FashionMnistImages } | undefined;
  /** The last registered dataset read (a run reads one): its images, decoded once. */
  private registered: { dataDir: string; images: RegisteredImages } | undefined;
  private readonly splits = new Map<string, { data: Dataset; digest: string }>();

  /**
   * One split, with the digest candidates record as `datasetSha256`: a registered dataset's
   * provenance hash, or the digest of the built-in split's content.
   */
  split(dataset: PoolDataset, dataDir: string, split: FashionMnistSplit): { data: Dataset; digest: string } {
    const key = `${typeof dataset === 'string' ? dataset : dataset.sha256}/${dataDir}/${split}`;
    let hit = this.splits.get(key);
    if (!hit) {
      if (typeof dataset === 'string') {
        if (this.images?.dataDir !== dataDir) this.images = { dataDir, all: loadFashionMnistImages({ dataDir }) };
        const data = fashionMnistSplit(this.images.all, split);
        hit = { data, digest: datasetDigest(data) };
      } else {
        if (this.registered?.dataDir !== dataDir || this.registered.images.ref.sha256 !== dataset.sha256) {
          // Drop the splits of the previous registered dataset: a thread keeps one in memory.
          for (const k of [...this.splits.keys()]) if (this.registered && k.startsWith(this.registered.images.ref.sha256)) this.splits.delete(k);
          this.registered?.images.source?.close();
          const stream = shouldStream({ dataDir, ref: dataset, limit: this.streamAboveBytes });
          this.registered = { dataDir, images: loadRegisteredImages({ dataDir, ref: dataset, stream }) };
        }
        hit = { data: registeredSplit(this.registered.images, split), digest: dataset.sha256 };
      }
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
  const model = readModel(task.model.bytes);
  const inputShape = modelInputShape(model);
  const fit = conformDataset(cache.split(task.dataset, task.dataDir, 'fit').data, inputShape);
  const val = cache.split(task.dataset, task.dataDir, 'val');
  const valData = conformDataset(val.data, inputShape);
  const t1 = performance.now();
  const result = await compress(model, task.recipe, { fit, seed: task.seed });
  const t2 = performance.now();
  const graph = deviceGraphFor(result.model, task.device);
  const memory = deviceMemory(graph, task.device);
  const predicted = predictLatency(graph, task.device);
  if (!predicted.supported) throw new WorkersError('BAD_DEVICE', predicted.message);
  const host = task.device.id === HOST_DEVICE_ID;
  const measured = await withSession(result.bytes, async (session) => ({
    accuracy: await accuracyInSession(session, valData, {}),
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
  const test = conformDataset(cache.split(task.dataset, task.dataDir, 'test').data, modelInputShape(readModel(task.artifact)));
  const accuracy = await withSession(task.artifact, (session) => accuracyInSession(session, test, {}));
  return { kind: 'test', accuracy: accuracy.accuracy };
}

/** The shape of a model's image input, [N, C, H, W] or [N, H, W, C], symbolic dims as names. */
export function modelInputShape(model: Model): readonly (number | string)[] {
  const input = realInputs(model.graph)[0];
  if (!input?.shape) throw new WorkersError('BAD_MODEL', 'the model has no image input of known rank');
  // An unknown dim (null) accepts any size, as a symbolic one does.
  return input.shape.map((d) => d ?? '?');
}
