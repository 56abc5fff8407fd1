import * as ort from 'onnxruntime-node';
import { WorkersError } from '../errors.js';
import { throwIfStopRequested } from '../pool/cooperative-stop.js';

/**
 * Session options for every evaluation: one intra-op and one inter-op thread, sequential
 * execution. Frontier runs one session per pool worker and as many workers as cores, so ORT's own
 * thread pools would only oversubscribe the CPU and make latencies noisy. Warnings are not logged:
 * ORT's notes about unused initializers are noise in a CLI's output.
 */
export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
};

/** The single float32 image input of a classifier session. */
export interface SessionInput {
  readonly name: string;
  /** Numbers for fixed dims, strings for symbolic ones (`N`, `batch` …). */
  readonly shape: readonly (number | string)[];
}

/**
 * Creates a session from model bytes — Frontier's one session factory, for evaluation and training
 * alike; ORT's refusal becomes `EVALUATION_FAILED` with its message (`what` names the model in it).
 */
export async function createSession(
  modelBytes: Uint8Array,
  options: { readonly profilePrefix?: string; readonly what?: string } = {},
): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(modelBytes, {
      ...SESSION_OPTIONS,
      // ORT's JSON profile, written with this file prefix (the training benchmark reads it).
      ...(options.profilePrefix ? { enableProfiling: true, profileFilePrefix: options.profilePrefix } : {}),
    });
  } catch (err) {
    throw new WorkersError('EVALUATION_FAILED', `onnxruntime could not load ${options.what ?? 'the model'}: ${(err as Error).message}`);
  }
}

/**
 * Runs `fn` with a session over `modelBytes` and releases the session afterwards, whether `fn`
 * returns or throws — the native memory of a session is not reclaimed by the garbage collector.
 */
export async function withSession<T>(modelBytes: Uint8Array, fn: (session: ort.InferenceSession) => Promise<T>): Promise<T> {
  const session = await createSession(modelBytes);
  try {
    return await fn(session);
  } finally {
    await session.release();
  }
}

/** `session.run`, with ORT's errors turned into `EVALUATION_FAILED`. */
export async function runSession(session: ort.InferenceSession, feeds: ort.InferenceSession.FeedsType): Promise<ort.InferenceSession.ReturnType> {
  throwIfStopRequested();
  try {
    return await session.run(feeds);
  } catch (err) {
    throw new WorkersError('EVALUATION_FAILED', `onnxruntime failed to run the model: ${(err as Error).message}`);
  }
}

/** The session's one input, which must be a float32 tensor; anything else is `BAD_MODEL`. */
export function sessionInput(session: ort.InferenceSession): SessionInput {
  const inputs = session.inputMetadata;
  if (inputs.length !== 1) {
    throw new WorkersError('BAD_MODEL', `model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); a classifier takes one image tensor`);
  }
  const input = inputs[0]!;
  if (!input.isTensor || input.type !== 'float32') {
    const type = input.isTensor ? input.type : 'a non-tensor value';
    throw new WorkersError('BAD_MODEL', `model input ${input.name} is ${type}; Frontier feeds float32 images`);
  }
  return { name: input.name, shape: [...input.shape] };
}

/** `[1,28,28]`-style text of a shape, symbolic dims by name. */
export function formatShape(shape: readonly (number | string)[]): string {
  return `[${shape.join(',')}]`;
}
