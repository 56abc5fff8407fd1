import * as ort from 'onnxruntime-node';
import { WorkersError } from '../errors.js';
import { createSession as createModelSession } from '../eval/session.js';
import type { Model } from '../onnx/model.js';
import { writeModel } from '../onnx/write-model.js';
import { throwIfStopRequested } from '../pool/cooperative-stop.js';

/** Float storage of a training graph's values: float32 to train, float64 for gradient checks. */
export type FloatArray = Float32Array | Float64Array;

/** A value fed to a session: data and its shape. */
export interface Feed {
  readonly data: FloatArray;
  readonly dims: readonly number[];
}

export interface SessionOptions {
  /** Write onnxruntime's JSON profile with this file prefix (the benchmark reads it). */
  readonly profilePrefix?: string;
}

/**
 * An onnxruntime-node session on one thread: the training engine keeps one per graph for a whole
 * run (creating one costs far more than a step) and feeds parameters as inputs every step.
 */
export function createSession(model: Model, options: SessionOptions = {}): Promise<ort.InferenceSession> {
  return createModelSession(writeModel(model), { ...options, what: `the graph "${model.graph.name}"` });
}

/** Runs a session and returns the requested outputs as float arrays. */
export async function runSession(
  session: ort.InferenceSession,
  feeds: Readonly<Record<string, Feed>>,
  fetches: readonly string[] = session.outputNames,
): Promise<Record<string, FloatArray>> {
  const tensors: Record<string, ort.Tensor> = {};
  for (const [name, f] of Object.entries(feeds)) {
    tensors[name] = new ort.Tensor(f.data instanceof Float64Array ? 'float64' : 'float32', f.data, [...f.dims]);
  }
  let result: ort.InferenceSession.OnnxValueMapType;
  throwIfStopRequested();
  try {
    result = await session.run(tensors, [...fetches]);
  } catch (err) {
    throw new WorkersError('EVALUATION_FAILED', `onnxruntime failed to run a training step: ${String(err)}`);
  }
  const out: Record<string, FloatArray> = {};
  for (const name of fetches) out[name] = result[name]!.data as FloatArray;
  return out;
}
