import { WorkersError } from '../errors.js';
import { layerCycles, type KernelCycles, type StackCostModel } from './cost-model.js';
import type { DeviceGraph, DeviceLayer } from './device-graph.js';
import type { DeviceSpec, LayerClass, Precision } from './device-spec.js';

/** Where a latency figure comes from: a measurement on the device, or the device model. */
export type LatencySource = 'MEASURED' | 'PREDICTED';

/** A latency with its provenance, the shape every Frontier latency metric has. */
export interface Latency {
  readonly ms: number;
  readonly source: LatencySource;
}

/** One layer's share of a predicted latency. */
export interface LayerLatency {
  readonly name: string;
  readonly layerClass: LayerClass;
  /** Time of its work at the device's peak rate for its precision. */
  readonly computeSeconds: number;
  /** Time to move its bytes at the device's bandwidths. */
  readonly memorySeconds: number;
  /** Predicted time of the layer, overhead included. */
  readonly seconds: number;
  /** The roofline time of the layer plus the spec's per-op overhead: a lower bound. */
  readonly rooflineSeconds: number;
  /** Whether fitted coefficients (rather than the plain roofline) gave `seconds`. */
  readonly calibrated: boolean;
}

/** Which model gave a prediction: a user calibration, a stack's cost model, or the roofline alone. */
export type LatencyModelKind = 'calibration' | 'cost-model' | 'roofline';

/** The stack a cost-model prediction models, its fitted costs and its uncertainty. */
export interface PredictionStack {
  readonly id: string;
  readonly name: string;
  /** Fitted cycle costs per layer type, for the precisions the model uses. */
  readonly costs: Readonly<Partial<Record<Precision, KernelCycles>>>;
  /** Relative held-out error of the stack's fit (0.12 = ±12 %). */
  readonly uncertainty: number;
  readonly source: string;
}

/** A prediction, or the reason there is none. */
export type LatencyPrediction =
  | {
      readonly supported: true;
      readonly deviceId: string;
      readonly ms: number;
      readonly source: 'PREDICTED';
      /** true when every layer used fitted coefficients; false: at least one is a roofline bound. */
      readonly calibrated: boolean;
      readonly model: LatencyModelKind;
      /** The roofline lower bound of the whole model (per layer, plus the per-op overhead). */
      readonly rooflineMs: number;
      /** With `model: 'cost-model'`: the stack, its fitted costs and uncertainty. */
      readonly stack?: PredictionStack;
      readonly layers: readonly LayerLatency[];
    }
  | {
      readonly supported: false;
      readonly deviceId: string;
      /** Precisions the model needs that the device does not execute. */
      readonly precisions: readonly Precision[];
      /** Layers needing them. */
      readonly layers: readonly string[];
      readonly message: string;
    };

/** Roofline terms of one layer on a device, or undefined when the device cannot run it. */
export function layerTerms(layer: DeviceLayer, device: DeviceSpec): { computeSeconds: number; memorySeconds: number } | undefined {
  const peaks = device.peakMacsPerSecond;
  // A quantize layer converts between float and int8: either unit can do it.
  const peak = layer.kind === 'quantize' ? (peaks[layer.precision] ?? peaks.int8 ?? peaks.fp32) : peaks[layer.precision];
  if (peak === undefined) return undefined;
  // Weights in RAM are read dense at the RAM bandwidth; in place, in their deploy form from flash.
  const weightSeconds = device.weightsInRam
    ? layer.denseWeightBytes / device.ramBandwidthBytesPerSecond
    : layer.weightBytes / device.storageBandwidthBytesPerSecond;
  return {
    computeSeconds: layer.work / peak,
    memorySeconds: layer.activationBytes / device.ramBandwidthBytesPerSecond + weightSeconds,
  };
}

/** `kind.precision` of a layer. */
export function layerClass(layer: DeviceLayer): LayerClass {
  return `${layer.kind}.${layer.precision}`;
}

export interface PredictOptions {
  /** Id of one of the device's `costModels`; default the first. `BAD_ARGUMENT` if it has none such. */
  readonly stack?: string;
}

/**
 * Predicted single-image latency of a lowered model on a device, as the sum of its layers, by the
 * first of these the device has:
 *
 * - a user calibration (`calibrateDevice`): a layer of class c takes a_c·compute + b_c·memory + o_c,
 *   plus one intercept per inference;
 * - a stack cost model (`cost-model.ts`, fitted to published measurements): a layer takes its
 *   cycles at the core clock, or its memory time where that is larger (the memory hierarchy only
 *   where it binds);
 * - the roofline: max(work / peak, bytes / bandwidth) + the per-op overhead (Williams, Waterman and
 *   Patterson, "Roofline", CACM 52(4), 2009).
 *
 * The roofline is computed in every case and returned beside the prediction (`rooflineMs`): kernels
 * do not beat peak compute or bandwidth, so as far as the spec's peaks are true peaks it is a lower
 * bound, not an estimate of the typical latency. A layer whose precision the device does not execute
 * makes the whole prediction unsupported.
 */
export function predictLatency(graph: DeviceGraph, device: DeviceSpec, options: PredictOptions = {}): LatencyPrediction {
  const missing = unsupportedLayers(graph, device);
  if (missing.layers.length > 0) {
    const runs = Object.keys(device.peakMacsPerSecond).join(', ');
    return {
      supported: false,
      deviceId: device.id,
      precisions: missing.precisions,
      layers: missing.layers,
      message: `${device.id} cannot execute ${missing.precisions.join(', ')} (it runs ${runs}): layers ${preview(missing.layers)}`,
    };
  }
  const calibration = device.calibration;
  const stack = calibration ? undefined : selectStack(device, options.stack);
  let stackUsed = false;
  const layers = graph.layers.map((layer): LayerLatency => {
    const terms = layerTerms(layer, device)!;
    const cls = layerClass(layer);
    const rooflineSeconds = Math.max(terms.computeSeconds, terms.memorySeconds) + device.perOpOverheadSeconds;
    const c = calibration?.coefficients[cls];
    if (c) {
      const seconds = c.compute * terms.computeSeconds + c.memory * terms.memorySeconds + c.perOpSeconds;
      return { name: layer.name, layerClass: cls, ...terms, seconds, rooflineSeconds, calibrated: true };
    }
    const cycles = stack ? stackCycles(stack, layer) : undefined;
    if (cycles && device.clockHz) {
      stackUsed = true;
      const seconds = Math.max(layerCycles(layer, graph, cycles) / device.clockHz, terms.memorySeconds);
      return { name: layer.name, layerClass: cls, ...terms, seconds, rooflineSeconds, calibrated: true };
    }
    return { name: layer.name, layerClass: cls, ...terms, seconds: rooflineSeconds, rooflineSeconds, calibrated: false };
  });
  const total = layers.reduce((s, l) => s + l.seconds, 0) + (calibration?.interceptSeconds ?? 0);
  const used = new Set(graph.layers.map((l) => l.precision));
  return {
    supported: true,
    deviceId: device.id,
    ms: total * 1e3,
    source: 'PREDICTED',
    calibrated: layers.every((l) => l.calibrated),
    model: calibration ? 'calibration' : stackUsed ? 'cost-model' : 'roofline',
    rooflineMs: layers.reduce((s, l) => s + l.rooflineSeconds, 0) * 1e3,
    ...(stack && stackUsed ? { stack: predictionStack(stack, used) } : {}),
    layers,
  };
}

/** The device's cost model for `id` (default its first); undefined when it has none. */
function selectStack(device: DeviceSpec, id: string | undefined): StackCostModel | undefined {
  const models = device.costModels ?? [];
  if (id === undefined) return models[0];
  const found = models.find((m) => m.stack === id);
  if (!found) {
    const known = models.length > 0 ? models.map((m) => m.stack).join(', ') : 'none';
    throw new WorkersError('BAD_ARGUMENT', `device ${device.id} has no cost model for stack "${id}" (it has: ${known})`, { stack: id });
  }
  return found;
}

/** A layer's costs: its precision's, or for a (de)quantize layer whichever precision the stack has. */
function stackCycles(stack: StackCostModel, layer: DeviceLayer): KernelCycles | undefined {
  const own = stack.cycles[layer.precision];
  return layer.kind === 'quantize' ? (own ?? stack.cycles.int8 ?? stack.cycles.fp32) : own;
}

function predictionStack(stack: StackCostModel, used: ReadonlySet<Precision>): PredictionStack {
  const costs: Partial<Record<Precision, KernelCycles>> = {};
  for (const p of used) if (stack.cycles[p]) costs[p] = stack.cycles[p];
  return { id: stack.stack, name: stack.name, costs, uncertainty: stack.heldOutError, source: stack.source };
}

/** Layers the device cannot execute, and the precisions they need. */
export function unsupportedLayers(graph: DeviceGraph, device: DeviceSpec): { precisions: Precision[]; layers: string[] } {
  const precisions = new Set<Precision>();
  const layers: string[] = [];
  for (const layer of graph.layers) {
    if (layerTerms(layer, device) === undefined) {
      precisions.add(layer.precision);
      layers.push(layer.name);
    }
  }
  return { precisions: [...precisions], layers };
}

function preview(names: readonly string[]): string {
  return names.length <= 4 ? names.join(', ') : `${names.slice(0, 4).join(', ')} and ${names.length - 4} more`;
}
