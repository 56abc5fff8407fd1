import type { DeviceGraph } from './device-graph.js';
import { deviceMemory, type DeviceMemory } from './device-memory.js';
import type { DeviceSpec } from './device-spec.js';
import { predictLatency, type LatencyPrediction, type PredictOptions } from './latency-model.js';

/** Everything `frontier predict` says about one model on one device. */
export interface DeviceReport {
  readonly device: { readonly id: string; readonly name: string };
  readonly macs: number;
  readonly memory: DeviceMemory;
  readonly latency: LatencyPrediction;
  /** RAM and storage suffice and the device executes every layer's precision. */
  readonly fits: boolean;
  /** Why it does not fit; when it fits, the margins. */
  readonly reasons: readonly string[];
}

/** Memory, predicted latency (with `options`, e.g. the stack) and fit of a lowered model on a device. */
export function deviceReport(graph: DeviceGraph, device: DeviceSpec, options: PredictOptions = {}): DeviceReport {
  const memory = deviceMemory(graph, device);
  const latency = predictLatency(graph, device, options);
  const problems: string[] = [];
  if (memory.peakRamBytes > device.ramBytes) {
    const weights = memory.ramWeightBytes > 0 ? ` (activations ${size(memory.activationPeakBytes)} + weights ${size(memory.ramWeightBytes)})` : '';
    problems.push(`peak RAM ${size(memory.peakRamBytes)}${weights} exceeds the ${size(device.ramBytes)} of RAM`);
  }
  if (memory.storageBytes > device.storageBytes) {
    problems.push(`weights ${size(memory.storageBytes)} exceed the ${size(device.storageBytes)} of storage`);
  }
  if (!latency.supported) problems.push(latency.message);
  const margins = [
    `peak RAM ${size(memory.peakRamBytes)} of ${size(device.ramBytes)}`,
    `storage ${size(memory.storageBytes)} of ${size(device.storageBytes)}`,
  ];
  return {
    device: { id: device.id, name: device.name },
    macs: graph.macs,
    memory,
    latency,
    fits: problems.length === 0,
    reasons: problems.length > 0 ? problems : margins,
  };
}

/** 1536 → "1.5 KiB" (binary units, as RAM and flash sizes are quoted). */
function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}
