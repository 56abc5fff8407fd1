import type * as ort from 'onnxruntime-node';
import { WorkersError } from '../errors.js';
import { DataType, type Model, type Tensor } from '../onnx/model.js';
import { floatTensor } from '../onnx/tensor.js';
import type { LossSpec } from './loss.js';
import { createOptimizer, type Optimizer, type OptimizerSpec, type ParamSlot } from './optimizer.js';
import { createSession, runSession, type Feed } from './ort-session.js';
import { buildTrainingGraph, type TrainingGraph } from './training-graph.js';

export interface TrainerOptions {
  /** Forward model (float32): data inputs → logits. Its initializers are the starting weights. */
  readonly model: Model;
  /** Initializers that train (see `trainableParameters`). */
  readonly trainable: readonly string[];
  readonly loss: LossSpec;
  readonly optimizer: OptimizerSpec;
  /**
   * Pruning masks (1 keeps, 0 prunes) by parameter name, the parameter's size each. Masked weights
   * are zeroed before the first step and again after every update, so they stay exactly 0.
   */
  readonly masks?: ReadonlyMap<string, Float32Array>;
  /** Write onnxruntime's profile of the training graph with this prefix (benchmarks). */
  readonly profilePrefix?: string;
}

/** One batch: data inputs by name, one-hot labels [N, K], teacher logits [N, K] for distillation. */
export interface TrainingBatch {
  readonly inputs: Readonly<Record<string, Feed>>;
  readonly labels: Feed;
  readonly teacherLogits?: Feed;
}

export interface StepResult {
  readonly loss: number;
  /** The batch's logits [N, K] (row-major), from the same forward pass. */
  readonly logits: Float32Array;
}

/**
 * Trains a forward model with its training graph run by onnxruntime-node. One session lives for
 * the whole run; each step feeds the current parameters, reads loss and gradients, and updates
 * parameters, running BatchNormalization statistics and masks here in TypeScript.
 */
export class Trainer {
  private constructor(
    private readonly graph: TrainingGraph,
    private readonly session: ort.InferenceSession,
    private readonly slots: readonly ParamSlot[],
    private readonly running: Map<string, Float32Array>,
    private readonly optimizer: Optimizer,
    private readonly masks: ReadonlyMap<string, Float32Array>,
    private readonly source: Model,
  ) {}

  static async create(options: TrainerOptions): Promise<Trainer> {
    const graph = buildTrainingGraph({ model: options.model, trainable: options.trainable, loss: options.loss });
    if (graph.model.graph.inputs.some((i) => i.elemType !== DataType.FLOAT)) {
      throw new WorkersError('BAD_MODEL', 'the trainer trains float32 models');
    }
    const inits = new Map(options.model.graph.initializers.map((t) => [t.name, t]));
    const slots = graph.params.map((p) => ({ name: p.name, dims: p.dims, value: Float32Array.from(inits.get(p.name)!.data as Float32Array) }));
    const masks = options.masks ?? new Map<string, Float32Array>();
    for (const [name, mask] of masks) {
      const slot = slots.find((s) => s.name === name);
      if (!slot) throw new WorkersError('BAD_ARGUMENT', `mask for "${name}", which is not a trainable parameter`);
      if (mask.length !== slot.value.length) {
        throw new WorkersError('BAD_ARGUMENT', `mask for "${name}" has ${mask.length} values, the parameter ${slot.value.length}`);
      }
      applyMask(slot.value, mask);
    }
    const running = new Map<string, Float32Array>();
    for (const s of graph.batchStatistics) {
      running.set(s.runningMean, Float32Array.from(inits.get(s.runningMean)!.data as Float32Array));
      running.set(s.runningVariance, Float32Array.from(inits.get(s.runningVariance)!.data as Float32Array));
    }
    const session = await createSession(graph.model, options.profilePrefix ? { profilePrefix: options.profilePrefix } : {});
    return new Trainer(graph, session, slots, running, createOptimizer(options.optimizer), masks, options.model);
  }

  /** Forward, backward and update on one batch at learning rate `lr`. */
  async step(batch: TrainingBatch, lr: number): Promise<StepResult> {
    const g = this.graph;
    const feeds: Record<string, Feed> = { ...batch.inputs, [g.labels]: batch.labels };
    if (g.teacherLogits) {
      if (!batch.teacherLogits) throw new WorkersError('BAD_ARGUMENT', 'the distillation loss needs teacherLogits');
      feeds[g.teacherLogits] = batch.teacherLogits;
    }
    for (const s of this.slots) feeds[s.name] = { data: s.value, dims: s.dims };
    const fetches = [g.loss, g.logits, ...this.slots.map((s) => g.gradients.get(s.name)!), ...g.batchStatistics.flatMap((s) => [s.batchMean, s.batchVariance])];
    const out = await runSession(this.session, feeds, fetches);
    const loss = out[g.loss]![0]!;
    if (!Number.isFinite(loss)) throw new WorkersError('EVALUATION_FAILED', `the training loss diverged (${loss}); lower the learning rate`);
    const grads = this.slots.map((s) => out[g.gradients.get(s.name)!] as Float32Array);
    this.optimizer.step(this.slots, grads, lr);
    for (const s of this.slots) {
      const mask = this.masks.get(s.name);
      if (mask) applyMask(s.value, mask);
    }
    const batchSize = batch.labels.dims[0]!;
    for (const s of g.batchStatistics) this.updateRunning(s, out[s.batchMean] as Float32Array, out[s.batchVariance] as Float32Array, batchSize);
    return { loss, logits: out[g.logits] as Float32Array };
  }

  /** Current values of the trained parameters and running statistics, by initializer name. */
  trainedValues(): Map<string, Float32Array> {
    return new Map([...this.slots.map((s) => [s.name, s.value] as const), ...this.running]);
  }

  /** The forward model with the current weights and running statistics. */
  currentModel(): Model {
    return withInitializers(this.source, this.trainedValues());
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  /**
   * running ← momentum·running + (1 − momentum)·batch (ONNX BatchNormalization semantics), with the
   * batch variance made unbiased (× m/(m − 1)) as PyTorch does, m = values per channel.
   */
  private updateRunning(s: TrainingGraph['batchStatistics'][number], mean: Float32Array, variance: Float32Array, batchSize: number): void {
    const runMean = this.running.get(s.runningMean)!;
    const runVar = this.running.get(s.runningVariance)!;
    const m = batchSize * s.valuesPerImage;
    const unbias = m > 1 ? m / (m - 1) : 1;
    const k = s.momentum;
    for (let c = 0; c < runMean.length; c++) {
      runMean[c] = k * runMean[c]! + (1 - k) * mean[c]!;
      runVar[c] = k * runVar[c]! + (1 - k) * variance[c]! * unbias;
    }
  }
}

function applyMask(values: Float32Array, mask: Float32Array): void {
  for (let i = 0; i < values.length; i++) if (mask[i] === 0) values[i] = 0;
}

/** A copy of `model` whose initializers named in `values` hold (copies of) those values. */
export function withInitializers(model: Model, values: ReadonlyMap<string, Float32Array>): Model {
  const initializers = model.graph.initializers.map((t): Tensor => {
    const v = values.get(t.name);
    return v ? floatTensor(t.name, t.dims, Float32Array.from(v)) : t;
  });
  return { ...model, graph: { ...model.graph, initializers } };
}
