// The one worker entry of Frontier's pool: each thread compresses and evaluates candidates.
import { Piscina } from 'piscina';
import type { CandidateOutput, CandidateTask } from './candidate-task.js';
import { EvaluationCache, evaluateCandidate, evaluateTestSplit } from './evaluate-candidate.js';

const cache = new EvaluationCache();

/**
 * Handles one task. The compressed model travels back as a transferable: its buffer moves to the
 * main thread instead of being copied.
 */
export default async function handle(task: CandidateTask): Promise<CandidateOutput | ReturnType<typeof Piscina.move>> {
  if (task.kind === 'test') return evaluateTestSplit(task, cache);
  const output = await evaluateCandidate(task, cache);
  // Only a buffer the artifact owns whole may move: a small Node Buffer can be a slice of a shared pool.
  const a = output.artifact;
  const owned = a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
  return Piscina.move(new Transferable({ ...output, artifact: owned }) as unknown as ArrayBuffer);
}

/** Piscina's transferable protocol: the value to send and the buffers to move with it. */
class Transferable {
  constructor(private readonly output: CandidateOutput & { kind: 'evaluate' }) {}
  get [Piscina.transferableSymbol](): ArrayBufferLike[] {
    return [this.output.artifact.buffer];
  }
  get [Piscina.valueSymbol](): CandidateOutput {
    return this.output;
  }
}
