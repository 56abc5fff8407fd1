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
