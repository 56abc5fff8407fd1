// The weight quantization a model must get, written from the definition of linear quantization
// and not from the kernels' helpers, for tests of the kernels and of compressing exported models.
import type { FloatTensor, Model } from '../../onnx/model.js';
import { floatTensor } from '../../onnx/tensor.js';
import { inputLayers, weightLayers } from '../../compress/graph/layers.js';

/** Rounds half to even, as ONNX QuantizeLinear does. */
function roundEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * What b-bit weight quantization must give, written from its definition and not from the
 * implementation's helpers: per channel (or for the whole tensor), a scale s stored as float32 and
 * an integer zero point z; codes q = clamp(round(w / s) + z, qmin, qmax); weights r = s(q − z)
 * (Jacob et al., CVPR 2018, Equation (1)). Symmetric: q in ±(2^(b−1) − 1), z = 0, s = max|w| / qmax.
 * Asymmetric: q in [0, 2^b − 1] over the range [min(w, 0), max(w, 0)]. One bit: ±mean|w| of the
 * channel's nonzero weights (XNOR-Net, Equation (4)), zeros kept.
 */
export function formulaDequantized(w: Float32Array, dims: readonly number[], o: { bits: number; symmetric: boolean; axis: number | undefined }): Float32Array {
  const inner = o.axis === undefined ? w.length : dims.slice(o.axis + 1).reduce((a, b) => a * b, 1);
  const channels = o.axis === undefined ? 1 : dims[o.axis]!;
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const out = new Float32Array(w.length);
  for (let c = 0; c < channels; c++) {
    const idx = [...w.keys()].filter((i) => channelOf(i) === c);
    const values = idx.map((i) => w[i]!);
    if (o.bits === 1) {
      const nonzero = values.filter((v) => v !== 0);
      const alpha = Math.fround(nonzero.reduce((a, v) => a + Math.abs(v), 0) / nonzero.length);
      for (const i of idx) out[i] = w[i] === 0 ? 0 : w[i]! > 0 ? alpha : -alpha;
      continue;
    }
    const lo = values.reduce((m, v) => Math.min(m, v), 0);
    const hi = values.reduce((m, v) => Math.max(m, v), 0);
    const [qmin, qmax] = o.symmetric ? [-(2 ** (o.bits - 1) - 1), 2 ** (o.bits - 1) - 1] : [0, 2 ** o.bits - 1];
    const s = Math.fround(o.symmetric ? Math.max(-lo, hi) / qmax : (hi - lo) / (qmax - qmin));
    const z = o.symmetric ? 0 : Math.min(qmax, Math.max(qmin, roundEven(qmin - lo / s)));
    for (const i of idx) out[i] = s * (Math.min(qmax, Math.max(qmin, roundEven(w[i]! / s) + z)) - z);
  }
  return out;
}

/** The output-channel axis of a layer's weight, by the ONNX operator definitions. */
function outputAxis(node: Model['graph']['nodes'][number]): number {
  if (node.opType === 'Conv') return 0;
  if (node.opType === 'Gemm') return node.attributes['transB']?.value === 1 ? 0 : 1;
  return 1; // MatMul: [in, out]
}

/** The float model with every weight replaced by `formulaDequantized` (the first layer at ≥ 8 bits). */
export function simulatedReference(model: Model, bits: number, symmetric: boolean, perChannel: boolean): Model {
  const replaced = new Map<string, FloatTensor>();
  const first = inputLayers(model);
  for (const l of weightLayers(model)) {
    const b = first.has(l.node) && bits < 8 ? 8 : bits;
    const values = formulaDequantized(l.weight.data, l.weight.dims, { bits: b, symmetric, axis: perChannel ? outputAxis(l.node) : undefined });
    replaced.set(l.weight.name, floatTensor(l.weight.name, l.weight.dims, values));
  }
  return { ...model, graph: { ...model.graph, initializers: model.graph.initializers.map((t) => replaced.get(t.name) ?? t) } };
}
