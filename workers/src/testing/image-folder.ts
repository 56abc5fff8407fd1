import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { Rng } from '../data/rng.js';

/** Colours of the synthetic classes, one per class, far apart in RGB. */
const COLOURS = ['#d62728', '#2ca02c', '#1f77b4', '#ff7f0e', '#9467bd', '#17becf'];
const SHAPES = ['square', 'disc', 'triangle'] as const;

export interface SyntheticImageFolderOptions {
  readonly root: string;
  /** Class folder names (at most 6); default `red`, `green`, `blue`. */
  readonly classes?: readonly string[];
  readonly perClass: number;
  /** [H, W] of every image, or a function of the image index for mixed sizes. Default [32, 32]. */
  readonly size?: readonly [number, number] | ((i: number) => readonly [number, number]);
  /** Image format by index. Default PNG for even, JPEG for odd indices. */
  readonly format?: (i: number) => 'png' | 'jpeg' | 'webp';
  readonly seed?: number;
  /** A folder under `root` to put the class folders in (`train`, `test` …). */
  readonly under?: string;
}

/**
 * Writes a learnable 3-channel image-folder dataset: class k is a shape of its own colour (and a
 * shape that varies with k) on a gray, noisy background, at a random place and size. The colours
 * make it separable by a small CNN in a few epochs; the noise keeps it from being trivial.
 * Returns the files written per class.
 */
export async function writeSyntheticImageFolder(o: SyntheticImageFolderOptions): Promise<string[][]> {
  const classes = o.classes ?? ['red', 'green', 'blue'];
  const rng = new Rng(o.seed ?? 1);
  const out: string[][] = [];
  for (const [k, name] of classes.entries()) {
    const dir = join(o.root, o.under ?? '', name);
    mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    for (let i = 0; i < o.perClass; i++) {
      const [h, w] = typeof o.size === 'function' ? o.size(i) : (o.size ?? [32, 32]);
      const format = o.format?.(i) ?? (i % 2 === 0 ? 'png' : 'jpeg');
      const file = join(dir, `${name}-${String(i).padStart(4, '0')}.${format === 'jpeg' ? 'jpg' : format}`);
      writeFileSync(file, await syntheticImage({ h, w, colour: COLOURS[k % COLOURS.length]!, shape: SHAPES[k % SHAPES.length]!, rng, format }));
      files.push(file);
    }
    out.push(files);
  }
  return out;
}

async function syntheticImage(o: { h: number; w: number; colour: string; shape: (typeof SHAPES)[number]; rng: Rng; format: 'png' | 'jpeg' | 'webp' }): Promise<Buffer> {
  const { h, w, rng } = o;
  const r = Math.max(2, Math.round(Math.min(h, w) * (0.2 + 0.15 * rng.next())));
  const cx = r + rng.next() * (w - 2 * r);
  const cy = r + rng.next() * (h - 2 * r);
  const shape =
    o.shape === 'square'
      ? `<rect x="${cx - r}" y="${cy - r}" width="${2 * r}" height="${2 * r}" fill="${o.colour}"/>`
      : o.shape === 'disc'
        ? `<circle cx="${cx}" cy="${cy}" r="${r}" fill="${o.colour}"/>`
        : `<polygon points="${cx},${cy - r} ${cx + r},${cy + r} ${cx - r},${cy + r}" fill="${o.colour}"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="#808080"/>${shape}</svg>`;
  // Noise: a random gray level per pixel, blended over the drawing.
  const noise = Buffer.from(Array.from({ length: h * w * 4 }, (_, i) => (i % 4 === 3 ? 48 : Math.floor(rng.next() * 256))));
  const image = sharp(Buffer.from(svg)).composite([{ input: noise, raw: { width: w, height: h, channels: 4 } }]);
  return o.format === 'png' ? image.png().toBuffer() : o.format === 'jpeg' ? image.jpeg({ quality: 90 }).toBuffer() : image.webp().toBuffer();
}
