import { elementCount } from '../onnx/tensor.js';
import type { DeviceGraph, DeviceLayer } from './device-graph.js';
import type { Precision } from './device-spec.js';

/**
 * Cycle costs of one software stack's kernels at one precision. An MCU runs a layer in a time set
 * by its instructions, not its bytes: an inner loop that costs a fixed number of cycles per
 * multiply-accumulate (which differs by kernel: an im2col convolution, a depthwise one with its
 * short 3×3 reductions, a 1×1 one that is a plain matrix product), an epilogue per output element
 * (bias, requantization multiply-shift, clamp, store) and a fixed call cost. Per MAC that is
 * `perMac[kind] + perOutput / K` with K the reduction length (input channels × kernel size): the
 * shape dependence — a depthwise 3×3 layer (K = 9) pays its epilogue on every ninth MAC, a 1×1
 * layer over 256 channels on every 256th. Depthwise windows that overlap the padding take a
 * slower, bounds-checked path (on a 25×5 map half the 3×3 windows do, on 48×48 one in twelve),
 * and a first layer with 1–3 input channels cannot pair channels in SIMD multiply-accumulates.
 */
export interface KernelCycles {
  /** Cycles per MAC of the inner loop, by MAC layer kind. */
  readonly conv: number;
  readonly depthwise: number;
  readonly pointwise: number;
  readonly dense: number;
  /** Extra cycles per MAC of a depthwise window that overlaps the padding (the bounds-checked path). */
  readonly border: number;
  /** Cycles per MAC of a convolution with fewer than 4 input channels (no SIMD over channels); `conv` is the rest. */
  readonly narrow: number;
  /** Cycles per output element of a MAC layer. */
  readonly perOutput: number;
  /** Cycles per element of work of the other layers: pools, adds, softmax, (de)quantization. */
  readonly elementwise: number;
  /** Cycles per layer: kernel call, parameter setup, the interpreter's dispatch. */
  readonly perOp: number;
}

/** The order of `KernelCycles` fields in feature vectors and fits. */
export const KERNEL_CYCLE_TERMS = ['conv', 'depthwise', 'pointwise', 'dense', 'border', 'narrow', 'perOutput', 'elementwise', 'perOp'] as const;
export type KernelCycleTerm = (typeof KERNEL_CYCLE_TERMS)[number];

/** A device's cost model for one software stack, fitted to published measurements. */
export interface StackCostModel {
  /** Short id, e.g. `x-cube-ai-9` or `tflm-reference`. */
  readonly stack: string;
  /** What the stack is: the runtime and its kernels. */
  readonly name: string;
  /** Cycle costs per precision the stack runs; a precision absent here falls back to the roofline. */
  readonly cycles: Readonly<Partial<Record<Precision, KernelCycles>>>;
  /**
   * Largest |predicted − measured| / measured of the held-out checks (`heldOutCheck`, both
   * protocols, fitted without the result predicted): the uncertainty quoted beside every
   * prediction of this stack.
   */
  readonly heldOutError: number;
  /** The measurements fitted, cited (results files, their round). */
  readonly source: string;
}

const MAC_KINDS: ReadonlySet<string> = new Set(['conv', 'depthwise', 'pointwise', 'dense']);

/** Output elements a layer writes (its outputs' element counts). */
export function outputElements(layer: DeviceLayer, graph: Pick<DeviceGraph, 'values'>): number {
  return layer.outputs.reduce((s, o) => s + elementCount(graph.values.get(o)?.dims ?? []), 0);
}

/**
 * The counts a layer's cycles are linear in, in `KERNEL_CYCLE_TERMS` order: its MACs under its
 * kind, its depthwise MACs on the padding border, its narrow-input conv MACs, its output elements (MAC layers) or work (other layers), and 1 for the call.
 */
export function layerCostFeatures(layer: DeviceLayer, graph: Pick<DeviceGraph, 'values'>): Float64Array {
  const f = new Float64Array(KERNEL_CYCLE_TERMS.length);
  if (MAC_KINDS.has(layer.kind)) {
    f[KERNEL_CYCLE_TERMS.indexOf(layer.kind as KernelCycleTerm)] = layer.macs - layer.narrowMacs;
    f[4] = layer.borderMacs;
    f[5] = layer.narrowMacs;
    f[6] = outputElements(layer, graph);
  } else {
    f[7] = layer.work;
  }
  f[8] = 1;
  return f;
}

/** Cycles of one layer under a stack's costs. */
export function layerCycles(layer: DeviceLayer, graph: Pick<DeviceGraph, 'values'>, cycles: KernelCycles): number {
  const f = layerCostFeatures(layer, graph);
  return KERNEL_CYCLE_TERMS.reduce((s, term, i) => s + cycles[term] * f[i]!, 0);
}

/** Sums of `layerCostFeatures` over a model's layers at one precision: the regressors of a fit. */
export function modelCostFeatures(graph: DeviceGraph, precision: Precision): Float64Array {
  const total = new Float64Array(KERNEL_CYCLE_TERMS.length);
  for (const layer of graph.layers) {
    if (layer.precision !== precision && layer.kind !== 'quantize') continue;
    layerCostFeatures(layer, graph).forEach((v, i) => (total[i]! += v));
  }
  return total;
}

/** A `KernelCycles` from a vector in `KERNEL_CYCLE_TERMS` order. */
export function kernelCycles(values: ArrayLike<number>): KernelCycles {
  const out = {} as Record<KernelCycleTerm, number>;
  KERNEL_CYCLE_TERMS.forEach((t, i) => (out[t] = values[i]!));
  return out;
}
