import { activationPeak } from '../onnx/liveness.js';
import type { Graph, Node } from '../onnx/model.js';
import type { InferredShapes } from '../onnx/shape-inference.js';
import type { DeviceGraph } from './device-graph.js';
import type { DeviceSpec } from './device-spec.js';

/** Memory a model needs on a device, at batch 1. */
export interface DeviceMemory {
  /** Largest sum of live activation bytes while one layer runs (fused layers, int8 where quantized). */
  readonly activationPeakBytes: number;
  /** The layer running at that peak. */
  readonly peakLayer: string;
  /** Weights at their deploy size: packed sub-byte codes, sparse ones with their bitmap. */
  readonly weightBytes: number;
  /**
   * Weights that sit in RAM: none when they execute in place from flash; on devices that load
   * them, all of them in dense form (packed at their width, zeros stored — see `ModelWeight.denseBytes`).
   */
  readonly ramWeightBytes: number;
  /** activationPeakBytes + ramWeightBytes. */
  readonly peakRamBytes: number;
  /** Flash / storage the deployed weights take (= weightBytes). */
  readonly storageBytes: number;
}

/**
 * Peak RAM and storage of a lowered model on a device. Activation liveness is the one of
 * `activationPeak` (a value lives from its producer to its last reader; inputs and outputs of the
 * running layer are all live) applied to the fused layers, whose values have their run-time types:
 * int8 between QDQ layers, and the float copy of a weight-only-quantized weight live from its
 * dequantizer to its reader. Storage counts weights only, not the runtime's code.
 */
export function deviceMemory(graph: DeviceGraph, device: DeviceSpec): DeviceMemory {
  const nodes: Node[] = graph.layers.map((l) => ({ name: l.name, opType: `layer:${l.kind}`, domain: '', inputs: l.inputs, outputs: l.outputs, attributes: {} }));
  const info = (name: string) => {
    const v = graph.values.get(name)!;
    return { name, elemType: v.elemType, shape: v.dims };
  };
  const layerGraph: Graph = { name: 'layers', nodes, initializers: [], inputs: graph.inputs.map(info), outputs: graph.outputs.map(info), valueInfo: [] };
  const shapes: InferredShapes = { values: graph.values, order: nodes, constants: new Map(), batch: 1 };
  const peak = activationPeak(layerGraph, shapes);
  const weightBytes = graph.weights.reduce((s, w) => s + w.bytes, 0);
  const ramWeightBytes = device.weightsInRam ? graph.weights.reduce((s, w) => s + w.denseBytes, 0) : 0;
  return {
    activationPeakBytes: peak.peakBytes,
    peakLayer: peak.peakNode,
    weightBytes,
    ramWeightBytes,
    peakRamBytes: peak.peakBytes + ramWeightBytes,
    storageBytes: weightBytes,
  };
}
