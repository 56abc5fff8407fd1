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
  /** Whether fitted coefficients (rather than the plain roofline) gave `seconds`. */
  readonly calibrated: boolean;
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

/**
 * Predicted single-image latency of a lowered model on a device, as the sum of its layers.
 *
 * Uncalibrated (the device has no fitted coefficients for a layer's class), a layer takes
 * max(work / peak, bytes / bandwidth) + the per-op overhead: the roofline (Williams, Waterman and
 * Patterson, "Roofline", CACM 52(4), 2009). Kernels do not beat peak compute or bandwidth, so as
 * far as the spec's peaks are true peaks and its per-op overhead is not overstated this is a lower
 * bound, and screening a latency constraint with it rejects no feasible candidate; it is no
 * estimate of the typical latency — calibration is.
 * Calibrated, a layer of class c takes a_c·compute + b_c·memory + o_c, plus one intercept per
 * inference, with the coefficients `calibrateDevice` fitted to measurements.
 *
 * A layer whose precision the device does not execute makes the whole prediction unsupported.
 */
export function predictLatency(graph: DeviceGraph, device: DeviceSpec): LatencyPrediction {
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
  const layers = graph.layers.map((layer): LayerLatency => {
    const terms = layerTerms(layer, device)!;
    const cls = layerClass(layer);
    const c = calibration?.coefficients[cls];
    const seconds = c
      ? c.compute * terms.computeSeconds + c.memory * terms.memorySeconds + c.perOpSeconds
      : Math.max(terms.computeSeconds, terms.memorySeconds) + device.perOpOverheadSeconds;
    return { name: layer.name, layerClass: cls, ...terms, seconds, calibrated: c !== undefined };
  });
  const total = layers.reduce((s, l) => s + l.seconds, 0) + (calibration?.interceptSeconds ?? 0);
  return {
    supported: true,
    deviceId: device.id,
    ms: total * 1e3,
    source: 'PREDICTED',
    calibrated: calibration !== undefined && layers.every((l) => l.calibrated),
    layers,
  };
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
