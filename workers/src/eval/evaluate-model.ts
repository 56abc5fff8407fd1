import { analyzeModel } from '../onnx/analyze-model.js';
import { readModel } from '../onnx/read-model.js';
import type { Dataset } from '../data/dataset.js';
import { accuracyInSession, type AccuracyResult } from './evaluate-accuracy.js';
import { latencyInSession, type LatencyOptions, type LatencyResult } from './measure-latency.js';
import { withSession } from './session.js';

export interface EvaluateModelOptions {
  /** Measure top-1 accuracy on this dataset; no accuracy without one. */
  readonly dataset?: Dataset;
  /** Evaluate only the first `limit` images of `dataset`. */
  readonly limit?: number;
  /** Images per batch for accuracy. Default 64. */
  readonly batchSize?: number;
  /** Host latency settings, or `false` to skip the measurement. Default: measured with defaults. */
  readonly latency?: LatencyOptions | false;
}

/** Host latency as recorded on a candidate: `ms` is the median, always `MEASURED` here. */
export interface HostLatency extends LatencyResult {
  readonly ms: number;
  readonly source: 'MEASURED';
}

/** Everything Frontier knows about a model on this host: measured figures and static ones. */
export interface ModelEvaluation {
  /** Present when a dataset was given. */
  readonly accuracy?: AccuracyResult;
  /** Present unless `latency: false`. */
  readonly latency?: HostLatency;
  /** Size of the model file itself. */
  readonly modelBytes: number;
  readonly params: number;
  readonly nonzeroParams: number;
  readonly weightBytes: number;
  /** Multiply-accumulates for one image. */
  readonly macs: number;
  /** Peak live activation bytes for one image. */
  readonly peakActivationBytes: number;
}

/**
 * Evaluates a model: static figures from `analyzeModel` (checked first, so an unsupported model fails
 * before ORT is involved), then accuracy and host latency with one ORT session.
 */
export async function evaluateModel(modelBytes: Uint8Array, options: EvaluateModelOptions = {}): Promise<ModelEvaluation> {
  const analysis = analyzeModel(readModel(modelBytes));
  const { dataset, latency } = options;
  const measured = await withSession(modelBytes, async (session) => ({
    accuracy: dataset
      ? await accuracyInSession(session, dataset, {
          ...(options.limit !== undefined ? { limit: options.limit } : {}),
          ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
        })
      : undefined,
    latency: latency === false ? undefined : await latencyInSession(session, latency ?? {}),
  }));
  return {
    ...(measured.accuracy ? { accuracy: measured.accuracy } : {}),
    ...(measured.latency ? { latency: { ...measured.latency, ms: measured.latency.medianMs, source: 'MEASURED' as const } } : {}),
    modelBytes: modelBytes.length,
    params: analysis.params,
    nonzeroParams: analysis.nonzeroParams,
    weightBytes: analysis.weightBytes,
    macs: analysis.macs,
    peakActivationBytes: analysis.peakActivationBytes,
  };
}
