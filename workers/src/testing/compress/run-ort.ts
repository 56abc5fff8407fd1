// Runs a model in onnxruntime-node for the compression tests: the reference every rewritten graph
// is checked against.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Model } from '../../onnx/model.js';
import { readModel } from '../../onnx/read-model.js';
import { writeModel } from '../../onnx/write-model.js';

/** Session options used throughout Frontier (one thread; full graph optimization). */
export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
};

/** Runs a single-input model on a float32 batch and returns its first output. */
export async function runModel(model: Model | Uint8Array, input: Float32Array, dims: readonly number[]): Promise<Float32Array> {
  const bytes = model instanceof Uint8Array ? model : writeModel(model);
  const session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  try {
    const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, [...dims]) });
    return result[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** Largest absolute difference between two arrays of equal length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} ≠ ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Largest absolute value. */
export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/**
 * The op types (`domain:op` outside the default domain) of the graph onnxruntime actually runs
 * after its optimizations, read back from `optimizedModelFilePath` — how tests see whether QDQ
 * groups were fused into integer kernels.
 */
export async function optimizedOpTypes(model: Model): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'frontier-ort-'));
  const path = join(dir, 'optimized.onnx');
  try {
    const session = await ort.InferenceSession.create(writeModel(model), { ...SESSION_OPTIONS, optimizedModelFilePath: path, logSeverityLevel: 3 });
    await session.release();
    return readModel(readFileSync(path)).graph.nodes.map((n) => (n.domain ? `${n.domain}:${n.opType}` : n.opType));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
