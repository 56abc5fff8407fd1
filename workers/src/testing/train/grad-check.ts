// Finite-difference gradient checks for the training-graph tests.
import { DataType, type Model } from '../../onnx/model.js';
import type { LossSpec } from '../../train/loss.js';
import { createSession, runSession, type Feed, type FloatArray } from '../../train/ort-session.js';
import { buildTrainingGraph } from '../../train/training-graph.js';

/** One checked gradient element: the graph's value and the central difference. */
export interface GradientPair {
  readonly param: string;
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
}

/**
 * Compares d(loss)/d(param) from the training graph with central differences
 * (L(θ + h) − L(θ − h)) / 2h of the same graph's loss, for up to `perParam` elements of every
 * trainable parameter (evenly spread).
 */
export async function gradientCheck(options: {
  readonly model: Model;
  readonly trainable: readonly string[];
  readonly loss: LossSpec;
  readonly data: Readonly<Record<string, Feed>>;
  readonly labels: Feed;
  readonly teacher?: Feed;
  readonly h: number;
  readonly perParam?: number;
}): Promise<GradientPair[]> {
  const graph = buildTrainingGraph({ model: options.model, trainable: options.trainable, loss: options.loss });
  const session = await createSession(graph.model);
  try {
    const double = graph.model.graph.inputs[0]!.elemType === DataType.DOUBLE;
    const params: Record<string, Feed> = {};
    for (const p of graph.params) {
      const t = options.model.graph.initializers.find((i) => i.name === p.name)!;
      const data = double ? Float64Array.from(t.data as FloatArray) : Float32Array.from(t.data as FloatArray);
      params[p.name] = { data, dims: p.dims };
    }
    const feeds = (): Record<string, Feed> => ({
      ...options.data,
      [graph.labels]: options.labels,
      ...(graph.teacherLogits && options.teacher ? { [graph.teacherLogits]: options.teacher } : {}),
      ...params,
    });
    const analytic = await runSession(session, feeds(), [...graph.gradients.values()]);
    const lossAt = async () => (await runSession(session, feeds(), [graph.loss]))[graph.loss]![0]!;
    const pairs: GradientPair[] = [];
    for (const p of graph.params) {
      const values = params[p.name]!.data;
      const count = Math.min(values.length, options.perParam ?? 24);
      for (let k = 0; k < count; k++) {
        const index = Math.floor((k * values.length) / count);
        const original = values[index]!;
        values[index] = original + options.h;
        const plus = await lossAt();
        values[index] = original - options.h;
        const minus = await lossAt();
        values[index] = original;
        const numeric = (plus - minus) / (2 * options.h);
        pairs.push({ param: p.name, index, analytic: analytic[graph.gradients.get(p.name)!]![index]!, numeric });
      }
    }
    return pairs;
  } finally {
    await session.release();
  }
}

/** The pairs whose difference exceeds atol + rtol·|numeric|, to print when a check fails. */
export function mismatches(pairs: readonly GradientPair[], atol: number, rtol: number): GradientPair[] {
  return pairs.filter((p) => !(Math.abs(p.analytic - p.numeric) <= atol + rtol * Math.abs(p.numeric)));
}
