// Synthetic image sets for tests that need a Dataset (calibration, distillation) without the
// fashion-mnist files: seeded blobs whose brightness pattern depends on the label.
import type { Dataset } from '../../data/dataset.js';
import { Rng } from '../../data/rng.js';

/** `count` seeded uint8 images of `shape`, labels cycling over `classes`. */
export function syntheticDataset(options: { count: number; shape: readonly [number, number, number]; classes?: number; seed?: number }): Dataset {
  const classes = options.classes ?? 10;
  const rng = new Rng(options.seed ?? 5);
  const [c, h, w] = options.shape;
  const size = c * h * w;
  const pixels = new Uint8Array(options.count * size);
  const labels = new Uint8Array(options.count);
  for (let n = 0; n < options.count; n++) {
    const label = n % classes;
    labels[n] = label;
    for (let i = 0; i < size; i++) {
      const row = Math.floor((i % (h * w)) / w);
      const base = (row * (label + 1)) % h < h / 2 ? 160 : 40;
      pixels[n * size + i] = Math.max(0, Math.min(255, base + Math.round(rng.normal(0, 30))));
    }
  }
  return { name: 'synthetic', shape: [c, h, w], classes, count: options.count, pixels, pixelScale: 1 / 255, labels };
}

/**
 * `count` 28×28 images of uniform noise with uniform labels over 10 classes, drawn from `rng`
 * (pixels first, then labels): for measurements where the content does not matter.
 */
export function noiseDataset(o: { rng: Rng; count: number; name?: string }): Dataset {
  const { rng, count } = o;
  return {
    name: o.name ?? 'noise',
    shape: [1, 28, 28],
    classes: 10,
    count,
    pixels: Uint8Array.from({ length: count * 784 }, () => rng.int(256)),
    pixelScale: 1 / 255,
    labels: Uint8Array.from({ length: count }, () => rng.int(10)),
  };
}
