import { WorkersError } from '../errors.js';
import type { Dataset, Normalization, PixelSource } from './dataset.js';

/** How a dataset's [C, H, W] images are fed to a model's 4-d input. */
export interface InputLayout {
  readonly layout: 'NCHW' | 'NHWC';
  /** Channels the model takes (the dataset's when the model leaves them symbolic). */
  readonly channels: number;
}

/**
 * ITU-R BT.601 luma weights (Recommendation ITU-R BT.601-7, section 2.5.1: E'Y = 0.299 E'R +
 * 0.587 E'G + 0.114 E'B), the usual RGB → gray conversion of image libraries.
 */
const LUMA = [0.299, 0.587, 0.114] as const;

const show = (dims: readonly (number | string)[]) => `[${dims.join(', ')}]`;
const fits = (d: number | string | undefined, size: number) => typeof d !== 'number' || d <= 0 || d === size;

/**
 * Works out how images of shape [C, H, W] go into a model input of shape [N, …]: NCHW when the
 * model's dims 2 and 3 are the image size, NHWC when dims 1 and 2 are; gray and RGB convert into
 * each other (1 ↔ 3 channels). Throws `BAD_DATASET` naming both shapes when neither fits.
 */
export function inputLayout(imageShape: readonly [number, number, number], inputShape: readonly (number | string)[]): InputLayout {
  const [c, h, w] = imageShape;
  const mismatch = (why: string): never => {
    throw new WorkersError(
      'BAD_DATASET',
      `the model's input ${show(inputShape)} does not take the dataset's images [${c}, ${h}, ${w}] (C, H, W): ${why}`,
      { modelInput: inputShape, datasetShape: imageShape },
    );
  };
  if (inputShape.length !== 4) return mismatch('Frontier feeds images to a 4-d input, [N, C, H, W] or [N, H, W, C]');
  // The channels the model takes, when images of c channels can become them (gray ↔ RGB).
  const channelsFor = (d: number | string | undefined): number | undefined => {
    if (typeof d !== 'number' || d <= 0) return c;
    return d === c || (c === 1 && d === 3) || (c === 3 && d === 1) ? d : undefined;
  };
  const fixedChannels = (d: number | string | undefined) => d === 1 || d === 3;
  const nchw = fits(inputShape[2], h) && fits(inputShape[3], w) ? channelsFor(inputShape[1]) : undefined;
  const nhwc = fits(inputShape[1], h) && fits(inputShape[2], w) ? channelsFor(inputShape[3]) : undefined;
  // Both fit when dims are symbolic: NCHW (ONNX's convention) unless only the last dim is a channel count.
  if (nchw !== undefined && (nhwc === undefined || fixedChannels(inputShape[1]) || !fixedChannels(inputShape[3]))) return { layout: 'NCHW', channels: nchw };
  if (nhwc !== undefined) return { layout: 'NHWC', channels: nhwc };
  const sized = (fits(inputShape[2], h) && fits(inputShape[3], w)) || (fits(inputShape[1], h) && fits(inputShape[2], w));
  return mismatch(sized ? `${c} channels cannot become the model's` : `the image size ${h}×${w} differs (register the dataset again with --size H,W of the model)`);
}

/**
 * The dataset as the model takes it: channels converted (gray → RGB by repeating, RGB → gray by
 * BT.601 luma) and images laid out for an NHWC input. Returns `ds` itself when nothing changes;
 * otherwise the converted pixels are a new array of the same type.
 */
export function conformDataset(ds: Dataset, inputShape: readonly (number | string)[]): Dataset {
  const { layout, channels } = inputLayout(ds.shape, inputShape);
  if (layout === 'NCHW' && channels === ds.shape[0]) return ds;
  const [c, h, w] = ds.shape;
  const plane = h * w;
  const shape: [number, number, number] = layout === 'NCHW' ? [channels, h, w] : [h, w, channels];
  const convert = imageConverter({ from: c, to: channels, plane, layout });
  const normalize = ds.normalize ? { normalize: conformNormalization(ds.normalize, c, channels, layout) } : {};
  if (ds.stream) {
    // Streamed: convert each image as it is read, never the whole set.
    const { source } = ds.stream;
    const raw = new Uint8Array(c * plane);
    const converted: PixelSource = {
      read(index, out) {
        source.read(index, raw);
        convert(raw, 0, out, 0);
      },
    };
    return { ...ds, shape, ...normalize, stream: { source: converted, indices: ds.stream.indices } };
  }
  const out = ds.pixels instanceof Uint8Array ? new Uint8Array(ds.count * channels * plane) : new Float32Array(ds.count * channels * plane);
  for (let n = 0; n < ds.count; n++) convert(ds.pixels, n * c * plane, out, n * channels * plane);
  return { ...ds, shape, pixels: out, ...normalize };
}

type Pixels = Uint8Array | Float32Array;

/** Converts one image of `from` channels (channel-major) into `to` channels laid out as `layout`. */
function imageConverter(o: { from: number; to: number; plane: number; layout: InputLayout['layout'] }) {
  const { from, to, plane, layout } = o;
  return (src: Pixels, at: number, dst: Pixels, into: number): void => {
    // Integer pixels stay integers (rounded luma); float values keep their fraction.
    const round = dst instanceof Uint8Array ? Math.round : (v: number) => v;
    for (let p = 0; p < plane; p++) {
      for (let k = 0; k < to; k++) {
        const v = from === to ? src[at + k * plane + p]! : to === 3 ? src[at + p]! : round(LUMA.reduce((s, wk, j) => s + wk * src[at + j * plane + p]!, 0));
        dst[layout === 'NCHW' ? into + k * plane + p : into + p * to + k] = v;
      }
    }
  };
}

function conformNormalization(n: Normalization, from: number, to: number, layout: InputLayout['layout']): Normalization {
  // RGB statistics for a gray input: the mean of the channels' (gray is their luma-weighted mix).
  const fold = (list: readonly number[]) => (from === 3 && to === 1 && list.length === 3 ? [list.reduce((a, b) => a + b, 0) / 3] : list);
  return { mean: fold(n.mean), std: fold(n.std), ...(layout === 'NHWC' ? { channelsLast: true } : {}) };
}
