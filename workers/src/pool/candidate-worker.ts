// The one worker entry of Frontier's pool: each thread compresses and evaluates candidates, and
// runs the pre-screen and baseline evaluations that must stay off the main thread.
import { Piscina } from 'piscina';
import type { CandidateOutput, CandidateTask } from './candidate-task.js';
import { EvaluationCache } from './evaluate-candidate.js';
import { handleCandidateTask } from './handle-candidate-task.js';

const cache = new EvaluationCache();

/**
 * Handles one task. The compressed model travels back as a transferable: its buffer moves to the
 * main thread instead of being copied.
 */
export default async function handle(task: CandidateTask): Promise<CandidateOutput | ReturnType<typeof Piscina.move>> {
  const output = await handleCandidateTask(task, cache);
  if (output.kind !== 'evaluate') return output;
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
