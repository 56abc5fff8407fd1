import { WorkersError } from '../errors.js';
import { floatAttr as readFloat } from '../onnx/attributes.js';
import { DataType, defaultOpset, realInputs, type Model, type Node, type Tensor } from '../onnx/model.js';
import { inferShapes } from '../onnx/shape-inference.js';
import { Emitter, type FloatType } from './emitter.js';
import { gradRule } from './grad/registry.js';
import { NOMINAL_BATCH, type BackwardContext, type ForwardContext } from './grad/rule.js';
import { emitLoss, LABELS_INPUT, TEACHER_INPUT, type LossSpec } from './loss.js';

/** A BatchNormalization that trains: where its batch statistics come out, and its running ones. */
export interface BatchStatistics {
  readonly node: string;
  /** Training-graph outputs: the batch mean and (biased) variance, [C] each. */
  readonly batchMean: string;
  readonly batchVariance: string;
  /** Initializers of the forward model holding the running statistics. */
  readonly runningMean: string;
  readonly runningVariance: string;
  /** ONNX semantics: running = running·momentum + batch·(1 − momentum). */
  readonly momentum: number;
  /** Values per channel in one image (H·W for images, 1 for [N, C]). */
  readonly valuesPerImage: number;
}

/** A training graph and the names its caller feeds and reads. */
export interface TrainingGraph {
  readonly model: Model;
  /** Data inputs of the forward model (images, or cached features of a frozen prefix). */
  readonly dataInputs: readonly string[];
  readonly labels: string;
  /** Present for the distillation loss. */
  readonly teacherLogits?: string;
  /** Trainable parameters: graph inputs, fed every step, in this order. */
  readonly params: readonly { readonly name: string; readonly dims: readonly number[] }[];
  /** Outputs: the scalar loss and the logits [N, K]. */
  readonly loss: string;
  readonly logits: string;
  /** Output holding d(loss)/d(param), by parameter name. */
  readonly gradients: ReadonlyMap<string, string>;
  readonly batchStatistics: readonly BatchStatistics[];
}

export interface TrainingGraphOptions {
  /** The forward model: data inputs → logits (its first output; a final Softmax is skipped). */
  readonly model: Model;
  /** Initializers that train. Every other initializer stays a constant of the graph. */
  readonly trainable: readonly string[];
  readonly loss: LossSpec;
}

/**
 * Builds the training graph of a forward model: the forward pass (BatchNormalization in training
 * mode where it trains), the loss, and reverse-mode gradients of the loss with respect to every
 * trainable parameter, all as ONNX nodes for onnxruntime to run. Trainable parameters become
 * graph inputs so one session serves every step. The float type follows the model's data input:
 * FLOAT to train, DOUBLE for precise gradient checks.
 */
export function buildTrainingGraph(options: TrainingGraphOptions): TrainingGraph {
  const { model } = options;
  const g = model.graph;
  const opset = defaultOpset(model);
  if (opset < 13) throw new WorkersError('UNSUPPORTED_OP', `training needs opset ≥ 13, the model has opset ${opset}`);
  const shapes = inferShapes(model, { batch: NOMINAL_BATCH });
  const inits = new Map(g.initializers.map((t) => [t.name, t]));
  const trainable = new Set(options.trainable);
  const dtype = checkTypes(model, trainable);
  const logits = logitsValue(model);
  const nodes = ancestors(shapes.order, logits);
  const reserved = [...g.initializers.map((t) => t.name), ...g.inputs.map((i) => i.name), ...nodes.flatMap((n) => [n.name, ...n.outputs])];
  const e = new Emitter(dtype, Math.max(opset, 17), reserved);

  const requires = new Set(trainable);
  for (const node of nodes) if (node.inputs.some((i) => requires.has(i))) for (const o of node.outputs) requires.add(o);
  const dims = (name: string): readonly number[] => {
    const info = shapes.values.get(name);
    if (!info) throw new WorkersError('BAD_MODEL', `no shape for value "${name}"`);
    return info.dims;
  };
  const requiresGrad = (name: string) => requires.has(name);
  const constant = (name: string) => shapes.constants.get(name);

  // Forward pass.
  const saved = new Map<string, Record<string, string>>();
  for (const node of nodes) {
    const ctx: ForwardContext = { e, node, dims, requiresGrad, constant };
    const rule = node.inputs.some(requiresGrad) ? gradRule(node) : undefined;
    saved.set(node.name, rule?.forward ? rule.forward(ctx) : (e.copy(node), {}));
  }
  const { loss, dLogits } = emitLoss(e, logits, options.loss);

  const contributions = emitBackward({ e, nodes, dims, requiresGrad, constant, saved, logits, dLogits });

  const params = options.trainable.map((name) => ({ name, dims: inits.get(name)!.dims }));
  const gradients = new Map<string, string>();
  for (const p of params) {
    const terms = contributions.get(p.name);
    if (!terms) throw new WorkersError('BAD_ARGUMENT', `trainable parameter "${p.name}" does not reach the loss`);
    const out = e.fresh(`grad:${p.name}`);
    e.push({ opType: 'Identity', inputs: [e.sum(terms)], outputs: [out] });
    gradients.set(p.name, out);
  }
  return finish({ e, model, options, nodes, params, gradients, saved, loss, logits, dims, inits, trainable });
}

/** The float type of the data input, checked against every trainable parameter. */
function checkTypes(model: Model, trainable: ReadonlySet<string>): FloatType {
  const dtype = realInputs(model.graph)[0]?.elemType;
  if (dtype !== DataType.FLOAT && dtype !== DataType.DOUBLE) {
    throw new WorkersError('BAD_MODEL', 'the model needs a FLOAT (or DOUBLE) data input to train');
  }
  const inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
  for (const name of trainable) {
    if (inits.get(name)?.dataType !== dtype) {
      throw new WorkersError('BAD_ARGUMENT', `trainable parameter "${name}" is not a float initializer of the model`);
    }
  }
  return dtype;
}

/**
 * The backward pass: nodes in reverse order, the gradient contributions to a value summed before
 * its producer's rule runs. Returns every value's contributions (parameters included).
 */
function emitBackward(s: {
  e: Emitter;
  nodes: readonly Node[];
  dims: (name: string) => readonly number[];
  requiresGrad: (name: string) => boolean;
  constant: (name: string) => Tensor | undefined;
  saved: ReadonlyMap<string, Record<string, string>>;
  logits: string;
  dLogits: string;
}): Map<string, string[]> {
  const { e, dims, requiresGrad } = s;
  const contributions = new Map<string, string[]>([[s.logits, [s.dLogits]]]);
  const add = (value: string, grad: string) => contributions.set(value, [...(contributions.get(value) ?? []), grad]);
  for (const node of [...s.nodes].reverse()) {
    if (!node.inputs.some(requiresGrad)) continue;
    const dY = node.outputs.map((o) => (contributions.has(o) ? e.sum(contributions.get(o)!) : undefined));
    if (dY.every((d) => d === undefined)) continue;
    const ctx: BackwardContext = { e, node, dims, requiresGrad, constant: s.constant, dY, needs: (i) => requiresGrad(node.inputs[i] ?? ''), saved: s.saved.get(node.name)! };
    const grads = gradRule(node).backward(ctx);
    node.inputs.forEach((input, i) => {
      if (input !== '' && ctx.needs(i) && grads[i]) add(input, grads[i]);
    });
  }
  return contributions;
}

function finish(s: {
  e: Emitter;
  model: Model;
  options: TrainingGraphOptions;
  nodes: readonly Node[];
  params: readonly { name: string; dims: readonly number[] }[];
  gradients: Map<string, string>;
  saved: Map<string, Record<string, string>>;
  loss: string;
  logits: string;
  dims: (name: string) => readonly number[];
  inits: Map<string, Tensor>;
  trainable: Set<string>;
}): TrainingGraph {
  const { e, model, params, gradients } = s;
  const classes = s.dims(s.logits)[1]!;
  const dataInputs = realInputs(model.graph);
  for (const input of dataInputs) e.input(input.name, ['N', ...(input.shape ?? []).slice(1)], input.elemType);
  e.input(LABELS_INPUT, ['N', classes]);
  const distill = s.options.loss.kind === 'distillation';
  if (distill) e.input(TEACHER_INPUT, ['N', classes]);
  for (const p of params) e.input(p.name, p.dims);
  e.output(s.loss, []);
  e.output(s.logits, ['N', classes]);
  for (const p of params) e.output(gradients.get(p.name)!, p.dims);
  const batchStatistics: BatchStatistics[] = [];
  for (const node of s.nodes) {
    const kept = s.saved.get(node.name)!;
    if (node.opType !== 'BatchNormalization' || !kept['batchMean']) continue;
    const c = s.dims(node.inputs[0]!)[1]!;
    e.output(kept['batchMean'], [c]);
    e.output(kept['batchVariance']!, [c]);
    batchStatistics.push({
      node: node.name,
      batchMean: kept['batchMean'],
      batchVariance: kept['batchVariance']!,
      runningMean: node.inputs[3]!,
      runningVariance: node.inputs[4]!,
      momentum: readFloat(node, 'momentum', 0.9),
      valuesPerImage: s.dims(node.inputs[0]!).slice(2).reduce((p, d) => p * d, 1),
    });
  }
  // Constants the emitted nodes read; running statistics of training BNs and trained weights are not.
  const used = new Set(e.nodes.flatMap((n) => n.inputs));
  for (const t of model.graph.initializers) if (used.has(t.name) && !s.trainable.has(t.name)) e.initializer(t);
  return {
    model: e.build(`${model.graph.name}:training`),
    dataInputs: dataInputs.map((i) => i.name),
    labels: LABELS_INPUT,
    ...(distill ? { teacherLogits: TEACHER_INPUT } : {}),
    params,
    loss: s.loss,
    logits: s.logits,
    gradients,
    batchStatistics,
  };
}

/** The value the loss reads: the first output, or the input of a final Softmax. */
export function logitsValue(model: Model): string {
  const out = model.graph.outputs[0];
  if (!out) throw new WorkersError('BAD_MODEL', 'the model has no output');
  const producer = model.graph.nodes.find((n) => n.outputs.includes(out.name));
  return producer?.opType === 'Softmax' ? producer.inputs[0]! : out.name;
}

/** Nodes (in the given order) that the value depends on. */
function ancestors(order: readonly Node[], value: string): Node[] {
  const needed = new Set([value]);
  const keep = new Set<Node>();
  for (const node of [...order].reverse()) {
    if (!node.outputs.some((o) => needed.has(o))) continue;
    keep.add(node);
    for (const i of node.inputs) if (i !== '') needed.add(i);
  }
  return order.filter((n) => keep.has(n));
}
