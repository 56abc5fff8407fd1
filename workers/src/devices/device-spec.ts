/**
 * What Frontier knows about a target device: memory sizes, the precisions it executes natively
 * with their peak rates, memory bandwidths and the fixed cost of one operator. The spec is plain
 * JSON (numbers in SI base units: bytes, seconds, multiply-accumulates per second) so the store can
 * keep user-registered devices and their calibrations as documents.
 */

import type { StackCostModel } from './cost-model.js';

/** Compute precisions a layer can execute in. Sub-byte weights are unpacked to int8 or float. */
export const PRECISIONS = ['fp32', 'fp16', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];

export const DEVICE_KINDS = ['host', 'board', 'mcu', 'accelerator'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** The id of this machine, whose latencies are measured with onnxruntime-node. */
export const HOST_DEVICE_ID = 'host';

/** A target device. Every figure of a catalogue device cites its source in `catalogue.ts`. */
export interface DeviceSpec {
  /** Lower-case identifier: letters, digits, `.`, `_`, `-`. */
  readonly id: string;
  readonly name: string;
  readonly kind: DeviceKind;
  /** One line on what the figures describe (board variant, clock, assumptions). */
  readonly description?: string;
  /** RAM the model may use: activations, plus the weights when `weightsInRam`. */
  readonly ramBytes: number;
  /** Flash or storage that holds the deployed weights. */
  readonly storageBytes: number;
  /**
   * true: the runtime loads the weights into RAM (boards with DRAM, accelerators with on-chip
   * parameter memory). false: weights are read in place from flash (execute-in-place, MCUs).
   */
  readonly weightsInRam: boolean;
  /**
   * Peak multiply-accumulates per second for each precision the device executes natively. A
   * precision that is absent is unsupported: a layer needing it gets no latency, only a reason.
   */
  readonly peakMacsPerSecond: Readonly<Partial<Record<Precision, number>>>;
  /** Sustained RAM bandwidth (activations; weights when `weightsInRam`). */
  readonly ramBandwidthBytesPerSecond: number;
  /** Read bandwidth of the weight storage when weights execute in place. */
  readonly storageBandwidthBytesPerSecond: number;
  /** Fixed cost of dispatching one (fused) operator: kernel call, parameter setup. */
  readonly perOpOverheadSeconds: number;
  /** Coefficients fitted from measurements by `calibrateDevice`; absent: the roofline alone. */
  readonly calibration?: DeviceCalibration;
  /** Core clock, for cycle-based cost models. */
  readonly clockHz?: number;
  /**
   * Per-layer-type cost models of software stacks fitted to published measurements, the first one
   * the default (`cost-model.ts`). A user calibration (`calibration`) takes precedence.
   */
  readonly costModels?: readonly StackCostModel[];
}

/**
 * A layer class of the latency model: the layer kind and the precision it executes in, such as
 * `conv.int8`. Each class has its own coefficients, because kernels differ in efficiency.
 */
export type LayerClass = `${LayerKind}.${Precision}`;

/**
 * Operator families the latency model distinguishes (after fusion, see `device-graph.ts`).
 * Runtimes give 1×1 convolutions (a plain matrix product) and depthwise ones their own kernels —
 * CMSIS-NN's `arm_convolve_1x1_s8_fast` and `arm_depthwise_conv_s8`, onnxruntime's MLAS GEMM and
 * depthwise paths — so each is its own kind.
 */
export const LAYER_KINDS = ['conv', 'pointwise', 'depthwise', 'dense', 'pool', 'elementwise', 'softmax', 'quantize'] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];

/** Coefficients of one layer class: seconds = compute·t_compute + memory·t_memory + perOpSeconds. */
export interface LayerCoefficients {
  /** Multiplies the time at peak compute (1 = the kernel reaches peak). */
  readonly compute: number;
  /** Multiplies the time at full bandwidth. */
  readonly memory: number;
  /** Fixed seconds per layer of this class. */
  readonly perOpSeconds: number;
}

/** A device's latency model fitted to measurements (non-negative least squares). */
export interface DeviceCalibration {
  readonly coefficients: Readonly<Partial<Record<LayerClass, LayerCoefficients>>>;
  /** Fixed seconds per inference (runtime entry, input/output copies). */
  readonly interceptSeconds: number;
  /** Number of (model, latency) pairs the fit used. */
  readonly samples: number;
  /** Root-mean-square of (predicted − measured) / measured on those pairs. */
  readonly fitRmsRelativeError: number;
}
