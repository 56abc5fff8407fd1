import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { extname, join, relative } from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { WorkersError } from '../errors.js';
import { SPLIT_CODES } from './image-cache.js';

/** File extensions read as images (case-insensitive). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp'];

/** How an image of another aspect or size becomes H×W. */
export type ResizeMode = 'crop' | 'stretch';

/** What to do with a file that is not a readable image: name it and go on, or refuse the folder. */
export type BadFilePolicy = 'skip' | 'refuse';

export interface ReadImageFolderOptions {
  readonly root: string;
  /** Target [H, W]. Default: the most common size among the images. */
  readonly size?: readonly [number, number];
  /** `crop` (default): scale the shorter side to fit, then cut the centre. `stretch`: scale each axis. */
  readonly resize?: ResizeMode;
  /** 1 (gray) or 3 (RGB). Default 3, or 1 when every image is gray. */
  readonly channels?: 1 | 3;
  /** Default `skip`. */
  readonly badFiles?: BadFilePolicy;
  /** Images decoded at once (sharp decodes on libuv's threads). Default 2 × cores. */
  readonly concurrency?: number;
}

/** A file left out of a dataset, and why. */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/** Decoded images of a folder, channel-major per image, with what happened on the way. */
export interface ImageFolder {
  readonly classNames: readonly string[];
  readonly channels: 1 | 3;
  readonly height: number;
  readonly width: number;
  readonly labels: Uint8Array;
  readonly pixels: Uint8Array;
  /** Split code of each image when the folder has `train/` (`val/`) `test/` subfolders. */
  readonly splits?: Uint8Array;
  readonly skipped: readonly SkippedFile[];
  /** Images whose size was not [H, W] before resizing. */
  readonly resized: number;
  /** Sizes found, most common first: `H×W` → count. */
  readonly sizes: readonly { readonly size: string; readonly count: number }[];
}

const SPLIT_FOLDERS = ['train', 'val', 'test'] as const;

/**
 * Reads an image folder in the usual layout — `root/<class>/*.{png,jpg,jpeg,webp}`, or the same
 * under `root/train`, `root/val` (optional) and `root/test` — decoding and resizing every image with
 * sharp. Class names are the folder names, sorted; labels follow that order.
 *
 * Throws `BAD_DATASET` for a folder with no class folders, an empty class folder, a single class,
 * more than 256 classes, and (with `badFiles: 'refuse'`) the first file that is not a readable
 * image; with `skip` such files are named in `skipped`.
 */
export async function readImageFolder(o: ReadImageFolderOptions): Promise<ImageFolder> {
  const listing = listImageFolder(o.root, o.badFiles ?? 'skip');
  const infos = await mapLimited(listing.files, o.concurrency ?? 2 * availableParallelism(), (f) => probe(f.path));
  const readable = listing.files.filter((f, i) => {
    const info = infos[i]!;
    if ('error' in info) listing.skip(f.path, info.error);
    return !('error' in info);
  });
  const probes = infos.filter((i): i is Probe => !('error' in i));
  const sizes = countSizes(probes);
  const [height, width] = o.size ?? (sizes[0]!.size.split('×').map(Number) as [number, number]);
  if (o.size && !o.size.every((d) => Number.isInteger(d) && d >= 1 && d <= 4096)) {
    throw new WorkersError('BAD_ARGUMENT', `size must be two integers in 1 … 4096 (H, W), got ${o.size.join(', ')}`);
  }
  const channels = o.channels ?? (probes.every((p) => p.gray) ? 1 : 3);
  const plane = height * width;
  const pixels = new Uint8Array(readable.length * channels * plane);
  const fit = o.resize === 'stretch' ? 'fill' : 'cover';
  const failed = new Set<number>();
  await mapLimited(readable, o.concurrency ?? 2 * availableParallelism(), async (f, i) => {
    let image = sharp(f.path, { failOn: 'error' }).removeAlpha();
    image = channels === 1 ? image.greyscale() : image.toColourspace('srgb');
    let decoded: { data: Buffer; info: OutputInfo };
    try {
      decoded = await image.resize(width, height, { fit, position: 'centre' }).raw().toBuffer({ resolveWithObject: true });
    } catch (err) {
      // A header can be fine and the body truncated or corrupt: found only when decoding.
      listing.skip(f.path, `not a readable image: ${(err as Error).message}`);
      failed.add(i);
      return;
    }
    const { data, info } = decoded;
    if (info.channels !== channels || info.width !== width || info.height !== height) {
      throw new WorkersError('BAD_DATASET', `${f.path}: decoded to ${info.channels}×${info.height}×${info.width}, expected ${channels}×${height}×${width}`, { file: f.path });
    }
    // sharp hands out rows of interleaved channels (HWC); the cache keeps each image channel-major.
    const at = i * channels * plane;
    for (let p = 0; p < plane; p++) for (let k = 0; k < channels; k++) pixels[at + k * plane + p] = data[p * channels + k]!;
  });
  const kept = readable.filter((_, i) => !failed.has(i));
  const keptProbes = probes.filter((_, i) => !failed.has(i));
  let to = 0;
  for (let i = 0; i < readable.length; i++) {
    if (failed.has(i)) continue;
    if (to !== i) pixels.copyWithin(to * channels * plane, i * channels * plane, (i + 1) * channels * plane);
    to++;
  }
  const labels = Uint8Array.from(kept, (f) => f.label);
  checkClassCounts(listing.classNames, labels, o.root);
  const resized = keptProbes.filter((p) => p.height !== height || p.width !== width).length;
  return {
    classNames: listing.classNames,
    channels,
    height,
    width,
    labels,
    pixels: pixels.subarray(0, kept.length * channels * plane),
    ...(listing.explicitSplits ? { splits: Uint8Array.from(kept, (f) => f.split) } : {}),
    skipped: listing.skipped,
    resized,
    sizes,
  };
}

interface ListedFile {
  readonly path: string;
  readonly label: number;
  readonly split: number;
}

/** The folder's image files in label, then name order; non-image files go to `skip` at once. */
function listImageFolder(root: string, policy: BadFilePolicy) {
  const fail = (problem: string, details: Record<string, unknown> = {}): never => {
    throw new WorkersError('BAD_DATASET', `${root}: ${problem}`, { root, ...details });
  };
  const skipped: SkippedFile[] = [];
  const skip = (file: string, reason: string) => {
    if (policy === 'refuse') throw new WorkersError('BAD_DATASET', `${file}: ${reason} (refused: pass skip to leave such files out)`, { file });
    skipped.push({ file: relative(root, file), reason });
  };
  const dirs = (dir: string) => {
    try {
      return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch (err) {
      return fail(`cannot read the folder: ${(err as Error).message}`);
    }
  };
  const top = dirs(root);
  const explicitSplits = top.length > 0 && top.every((d) => (SPLIT_FOLDERS as readonly string[]).includes(d));
  if (explicitSplits && !(top.includes('train') && top.includes('test'))) fail(`split folders ${top.join(', ')}: train/ and test/ are both needed (val/ is optional)`);
  const parts = explicitSplits ? top.map((s) => ({ dir: join(root, s), split: s === 'train' ? SPLIT_CODES.fit : SPLIT_CODES[s as 'val' | 'test'] })) : [{ dir: root, split: SPLIT_CODES.fit }];
  const classNames = [...new Set(parts.flatMap((p) => dirs(p.dir)))].sort();
  if (classNames.length === 0) fail(`no class folders: expected ${explicitSplits ? 'train/<class>/' : '<class>/'}*.{${IMAGE_EXTENSIONS.map((e) => e.slice(1)).join(',')}}`);
  if (classNames.length > 256) fail(`${classNames.length} class folders; at most 256 classes are supported`);
  const files: ListedFile[] = [];
  classNames.forEach((name, label) => {
    for (const part of parts) {
      const dir = join(part.dir, name);
      let entries: string[];
      try {
        entries = readdirSync(dir).sort();
      } catch {
        if (part.split === SPLIT_CODES.fit) fail(`class "${name}" has no folder ${relative(root, dir)}/`, { className: name });
        continue;
      }
      let images = 0;
      for (const entry of entries) {
        const path = join(dir, entry);
        if (!statSync(path).isFile()) continue;
        if (!IMAGE_EXTENSIONS.includes(extname(entry).toLowerCase())) {
          skip(path, `not an image file (extension "${extname(entry)}"; read: ${IMAGE_EXTENSIONS.join(', ')})`);
          continue;
        }
        files.push({ path, label, split: part.split });
        images++;
      }
      if (images === 0) fail(`class folder ${relative(root, dir) || '.'}/ holds no images (${IMAGE_EXTENSIONS.join(', ')})`, { className: name, folder: dir });
    }
  });
  return { classNames, explicitSplits, files, skipped, skip };
}

interface Probe {
  readonly height: number;
  readonly width: number;
  readonly gray: boolean;
}

/** Header facts of one image, or why it cannot be read. */
async function probe(path: string): Promise<Probe | { error: string }> {
  try {
    // The header only: a corrupt body is found when the image is decoded.
    const meta = await sharp(path, { failOn: 'error' }).metadata();
    if (!meta.width || !meta.height) return { error: 'no image size in its header' };
    const colour = (meta.channels ?? 3) - (meta.hasAlpha ? 1 : 0);
    return { height: meta.height, width: meta.width, gray: colour === 1 || meta.space === 'b-w' };
  } catch (err) {
    return { error: `not a readable image: ${(err as Error).message}` };
  }
}

function countSizes(probes: readonly Probe[]): { size: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const p of probes) counts.set(`${p.height}×${p.width}`, (counts.get(`${p.height}×${p.width}`) ?? 0) + 1);
  return [...counts].map(([size, count]) => ({ size, count })).sort((a, b) => b.count - a.count || a.size.localeCompare(b.size));
}

/** Every class keeps images after bad files are left out, and there are at least two classes. */
function checkClassCounts(classNames: readonly string[], labels: Uint8Array, root: string): void {
  const counts = new Array<number>(classNames.length).fill(0);
  for (const l of labels) counts[l]!++;
  const empty = classNames.filter((_, k) => counts[k] === 0);
  if (empty.length > 0) throw new WorkersError('BAD_DATASET', `${root}: class "${empty[0]}" has no readable image left`, { className: empty[0] });
  if (classNames.length < 2) {
    throw new WorkersError('BAD_DATASET', `${root}: a single class ("${classNames[0]}"); a classifier needs at least two class folders`, { className: classNames[0] });
  }
}

/** `fn` over `items`, at most `limit` at once, results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}
