/**
 * Linear quantization numerics, apart from any graph: a real value r and its integer code q are
 * related by r = s · (q − z) with scale s > 0 and integer zero point z (the affine scheme of
 * Jacob et al., "Quantization and Training of Neural Networks for Efficient Integer-Arithmetic-
 * Only Inference", CVPR 2018, Equation (1); the ONNX QuantizeLinear/DequantizeLinear definition).
 */

/** The integer codes a b-bit format may use. */
export interface QuantRange {
  readonly bits: number;
  readonly qmin: number;
  readonly qmax: number;
  /** Whether codes are signed (stored as INTb) or unsigned (UINTb). */
  readonly signed: boolean;
}

/**
 * Symmetric: signed codes on the restricted range [−(2^(b−1) − 1), 2^(b−1) − 1], so that
 * −r and r have codes of equal magnitude (the convention of onnxruntime's quantizer for
 * symmetric weights); asymmetric: unsigned codes [0, 2^b − 1].
 */
export function quantRange(bits: number, symmetric: boolean): QuantRange {
  if (symmetric) {
    const qmax = bits === 1 ? 1 : 2 ** (bits - 1) - 1;
    return { bits, qmin: -qmax, qmax, signed: true };
  }
  return { bits, qmin: 0, qmax: 2 ** bits - 1, signed: false };
}

export interface ScaleZeroPoint {
  readonly scale: number;
  readonly zeroPoint: number;
}

/**
 * Scale and zero point covering [min, max]. The range is first widened to contain 0 so that zero
 * (padding, pruned weights, ReLU outputs) is exactly representable. Symmetric ranges (qmin = −qmax)
 * get z = 0 and s = max(|min|, |max|) / qmax; otherwise s = (max − min) / (qmax − qmin) and
 * z = round(qmin − min / s). An all-zero range gets s = 1, z at the code of 0.
 */
export function scaleZeroPoint(min: number, max: number, range: QuantRange): ScaleZeroPoint {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (range.qmin === -range.qmax) {
    const amax = Math.max(-lo, hi);
    return { scale: amax > 0 ? amax / range.qmax : 1, zeroPoint: 0 };
  }
  if (hi === lo) return { scale: 1, zeroPoint: clampCode(range.qmin, range) };
  const scale = (hi - lo) / (range.qmax - range.qmin);
  return { scale, zeroPoint: clampCode(roundHalfEven(range.qmin - lo / scale), range) };
}

/** Rounds to the nearest integer, ties to even (the rounding ONNX QuantizeLinear specifies). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function clampCode(q: number, range: QuantRange): number {
  return q < range.qmin ? range.qmin : q > range.qmax ? range.qmax : q;
}

/** q = clamp(round(r / s) + z, qmin, qmax). */
export function quantizeValue(r: number, p: ScaleZeroPoint, range: QuantRange): number {
  return clampCode(roundHalfEven(r / p.scale) + p.zeroPoint, range);
}

/** How a tensor's elements map to channels: `outer` × `channels` × `inner`, row-major. */
export interface ChannelLayout {
  readonly outer: number;
  readonly channels: number;
  readonly inner: number;
}

/** The layout of `dims` split at `axis`; `axis` undefined gives a single channel (per-tensor). */
export function channelLayout(dims: readonly number[], axis: number | undefined): ChannelLayout {
  const size = dims.reduce((a, b) => a * b, 1);
  if (axis === undefined) return { outer: 1, channels: 1, inner: size };
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { outer, channels: dims[axis]!, inner };
}

/** Per-channel minimum and maximum. */
export function channelMinMax(data: Float32Array, layout: ChannelLayout): { min: Float64Array; max: Float64Array } {
  const min = new Float64Array(layout.channels).fill(Infinity);
  const max = new Float64Array(layout.channels).fill(-Infinity);
  let i = 0;
  for (let o = 0; o < layout.outer; o++) {
    for (let c = 0; c < layout.channels; c++) {
      let lo = min[c]!;
      let hi = max[c]!;
      for (let k = 0; k < layout.inner; k++, i++) {
        const v = data[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      min[c] = lo;
      max[c] = hi;
    }
  }
  return { min, max };
}

/** A tensor's integer codes with the parameters of each channel. */
export interface QuantizedTensor {
  readonly codes: Int32Array;
  readonly scales: Float32Array;
  readonly zeroPoints: Int32Array;
  readonly range: QuantRange;
  readonly layout: ChannelLayout;
}

/** Clip ratios the 'mse' search tries: the fitted range scaled by 1, 0.95, …, 0.3. */
const CLIP_RATIOS = Array.from({ length: 15 }, (_, i) => 1 - 0.05 * i);

/**
 * Quantizes a tensor with one (scale, zero point) per channel of `layout`, fitted to its range:
 * min/max by default; with `clip` 'mse', each channel's range scaled by the clip ratio (1, 0.95, …,
 * 0.3) whose codes reconstruct the channel with the least squared error — at few bits, clipping
 * rare large weights buys finer steps for the many small ones (the range setting of Banner et al.,
 * "Post-training 4-bit quantization of convolution networks for rapid-deployment", NeurIPS 2019,
 * found here by search over the channel's own weights rather than from a distribution model).
 */
export function quantizeTensor(data: Float32Array, layout: ChannelLayout, range: QuantRange, options: { readonly clip?: 'min-max' | 'mse' } = {}): QuantizedTensor {
  const { min, max } = channelMinMax(data, layout);
  const ratios = options.clip === 'mse' ? bestClipRatios(data, layout, range, { min, max }) : new Float64Array(layout.channels).fill(1);
  const scales = new Float32Array(layout.channels);
  const zeroPoints = new Int32Array(layout.channels);
  const params: ScaleZeroPoint[] = [];
  for (let c = 0; c < layout.channels; c++) {
    const p = scaleZeroPoint(ratios[c]! * min[c]!, ratios[c]! * max[c]!, range);
    // The scale is stored as float32: quantize with the stored value so that codes and
    // dequantization agree exactly.
    scales[c] = p.scale;
    zeroPoints[c] = p.zeroPoint;
    params.push({ scale: scales[c]!, zeroPoint: p.zeroPoint });
  }
  const codes = new Int32Array(data.length);
  let i = 0;
  for (let o = 0; o < layout.outer; o++) {
    for (let c = 0; c < layout.channels; c++) {
      const p = params[c]!;
      for (let k = 0; k < layout.inner; k++, i++) codes[i] = quantizeValue(data[i]!, p, range);
    }
  }
  return { codes, scales, zeroPoints, range, layout };
}

/** r = s · (q − z), per channel, as float32. */
export function dequantizeTensor(q: QuantizedTensor): Float32Array {
  const out = new Float32Array(q.codes.length);
  const { outer, channels, inner } = q.layout;
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = q.scales[c]!;
      const z = q.zeroPoints[c]!;
      for (let k = 0; k < inner; k++, i++) out[i] = s * (q.codes[i]! - z);
    }
  }
  return out;
}

/** Largest |r − s·(q − z)| over a tensor and its codes (without materializing the dequantized copy). */
export function maxQuantizationError(data: Float32Array, q: QuantizedTensor): number {
  const { outer, channels, inner } = q.layout;
  let worst = 0;
  let i = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = q.scales[c]!;
      const z = q.zeroPoints[c]!;
      for (let k = 0; k < inner; k++, i++) {
        const e = Math.abs(data[i]! - Math.fround(s * (q.codes[i]! - z)));
        if (e > worst) worst = e;
      }
    }
  }
  return worst;
}

/**
 * Binary weights: w ≈ α_c · sign(w) with α_c the mean |w| of channel c, the L2-optimal scale for
 * fixed signs (Rastegari et al., "XNOR-Net", ECCV 2016, Equations (2)–(4)). Exact zeros (pruned
 * weights) keep code 0 and are left out of the mean, so pruning survives binarization; the deploy
 * format then stores them in its sparsity bitmap. Returned as codes −1/0/+1 with scale α_c and zero
 * point 0, so it dequantizes like any other format.
 */
export function binarizeTensor(data: Float32Array, layout: ChannelLayout): QuantizedTensor {
  const sums = new Float64Array(layout.channels);
  const counts = new Float64Array(layout.channels);
  const codes = new Int32Array(data.length);
  let i = 0;
  for (let o = 0; o < layout.outer; o++) {
    for (let c = 0; c < layout.channels; c++) {
      for (let k = 0; k < layout.inner; k++, i++) {
        const v = data[i]!;
        if (v === 0) continue;
        codes[i] = v < 0 ? -1 : 1;
        sums[c]! += Math.abs(v);
        counts[c]!++;
      }
    }
  }
  const scales = Float32Array.from(sums, (s, c) => (s > 0 ? s / counts[c]! : 1));
  return { codes, scales, zeroPoints: new Int32Array(layout.channels), range: quantRange(1, true), layout };
}

/** Per channel, the clip ratio of least squared reconstruction error (the first on ties). */
function bestClipRatios(data: Float32Array, layout: ChannelLayout, range: QuantRange, fitted: { min: Float64Array; max: Float64Array }): Float64Array {
  const best = new Float64Array(layout.channels).fill(1);
  const bestError = new Float64Array(layout.channels).fill(Infinity);
  const error = new Float64Array(layout.channels);
  for (const ratio of CLIP_RATIOS) {
    const params = Array.from({ length: layout.channels }, (_, c) => {
      const p = scaleZeroPoint(ratio * fitted.min[c]!, ratio * fitted.max[c]!, range);
      return { scale: Math.fround(p.scale), zeroPoint: p.zeroPoint };
    });
    error.fill(0);
    let i = 0;
    for (let o = 0; o < layout.outer; o++) {
      for (let c = 0; c < layout.channels; c++) {
        const p = params[c]!;
        let e = 0;
        for (let k = 0; k < layout.inner; k++, i++) {
          const d = data[i]! - p.scale * (quantizeValue(data[i]!, p, range) - p.zeroPoint);
          e += d * d;
        }
        error[c]! += e;
      }
    }
    for (let c = 0; c < layout.channels; c++) {
      if (error[c]! < bestError[c]!) {
        bestError[c] = error[c]!;
        best[c] = ratio;
      }
    }
  }
  return best;
}
