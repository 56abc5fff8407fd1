import { fillBatch, type Dataset } from '../data/dataset.js';
import { WorkersError } from '../errors.js';
import { countTop1 } from '../eval/count-top1.js';
import { realInputs, type Model } from '../onnx/model.js';
import { createSession, runSession } from './ort-session.js';

/**
 * Logits [count, K] of a model over a dataset (or its first `limit` images), in batches through
 * onnxruntime-node. The model takes the images as its single data input.
 */
export async function predictLogits(model: Model, ds: Dataset, options: { batchSize?: number; limit?: number } = {}): Promise<Float32Array> {
  const inputs = realInputs(model.graph);
  if (inputs.length !== 1) throw new WorkersError('BAD_MODEL', `expected one data input, the model has ${inputs.length}`);
  const count = Math.min(ds.count, options.limit ?? ds.count);
  const batch = options.batchSize ?? 256;
  const session = await createSession(model);
  try {
    let out: Float32Array | undefined;
    let classes = 0;
    const buffer = new Float32Array(batch * ds.shape[0] * ds.shape[1] * ds.shape[2]);
    for (let start = 0; start < count; start += batch) {
      const n = Math.min(batch, count - start);
      const indices = Int32Array.from({ length: n }, (_, i) => start + i);
      const x = fillBatch(ds, indices, buffer);
      const name = model.graph.outputs[0]!.name;
      const logits = (await runSession(session, { [inputs[0]!.name]: { data: x, dims: [n, ...ds.shape] } }, [name]))[name] as Float32Array;
      if (!out) {
        classes = logits.length / n;
        out = new Float32Array(count * classes);
      }
      out.set(logits, start * classes);
    }
    return out ?? new Float32Array(0);
  } finally {
    await session.release();
  }
}

/** Share of rows whose largest logit is at the label (first maximum wins ties). */
export function accuracyOf(logits: Float32Array, labels: ArrayLike<number>, classes: number): number {
  const n = logits.length / classes;
  return n === 0 ? 0 : countTop1({ logits, classes, rows: n, labels }) / n;
}
