import type { Rng } from '../data/rng.js';

/** Random augmentation of training images: a shift of up to `maxShift` pixels each way, and a left–right flip. */
export interface AugmentSpec {
  readonly maxShift: number;
  readonly flip: boolean;
}

/**
 * Augments a float NCHW batch in place: each image is shifted by (dy, dx) drawn uniformly from
 * [−maxShift, maxShift] (vacated pixels become 0, the background of Fashion-MNIST) and mirrored
 * left–right with probability ½ — the usual "pad and random-crop, random flip" recipe.
 */
export function augmentBatch(batch: Float32Array, shape: readonly [number, number, number], rng: Rng, spec: AugmentSpec): void {
  const [c, h, w] = shape;
  const size = c * h * w;
  const n = batch.length / size;
  const copy = new Float32Array(size);
  for (let b = 0; b < n; b++) {
    const dy = rng.int(2 * spec.maxShift + 1) - spec.maxShift;
    const dx = rng.int(2 * spec.maxShift + 1) - spec.maxShift;
    const flip = spec.flip && rng.next() < 0.5;
    const image = batch.subarray(b * size, (b + 1) * size);
    copy.set(image);
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < h; y++) {
        const sy = y - dy;
        for (let x = 0; x < w; x++) {
          const sx0 = x - dx;
          const sx = flip ? w - 1 - sx0 : sx0;
          const inside = sy >= 0 && sy < h && sx0 >= 0 && sx0 < w;
          image[(ch * h + y) * w + x] = inside ? copy[(ch * h + sy) * w + sx]! : 0;
        }
      }
    }
  }
}
