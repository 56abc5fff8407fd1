// The image-folder half of the `dataset` section: registering a folder of JPEG/PNG images against
// sharp decoding the same files alone, and the peak RSS of each (measured in child processes).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticImageFolder } from '@frontier/workers/testing';
import { median, type BenchRecord } from './record.js';

/** 3 classes × this many 96×96 images (half PNG, half JPEG), registered at 64×64. */
const PER_CLASS = 400;
const RUNS = 3;

interface ChildResult {
  readonly mode: string;
  readonly images: number;
  readonly ms: number;
  readonly maxRssBytes: number;
  readonly sha256?: string;
  readonly tensorBytes?: number;
}

function child(mode: string, root: string, dataDir: string, sha256 = ''): ChildResult {
  const script = fileURLToPath(new URL('./dataset-child.js', import.meta.url));
  return JSON.parse(execFileSync(process.execPath, [script, mode, root, dataDir, sha256], { encoding: 'utf8' })) as ChildResult;
}

export async function imageFolderRecords(): Promise<BenchRecord[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'frontier-bench-folder-'));
  try {
    const root = join(tmp, 'images');
    await writeSyntheticImageFolder({ root, perClass: PER_CLASS, size: [96, 96] });
    const frontier: ChildResult[] = [];
    const sharpOnly: ChildResult[] = [];
    // Alternate the two so both see the same page cache and machine load.
    for (let i = 0; i < RUNS; i++) {
      const dataDir = join(tmp, `data-${i}`);
      frontier.push(child('frontier', root, dataDir));
      sharpOnly.push(child('sharp', root, dataDir));
    }
    const load = Array.from({ length: RUNS }, () => child('load', root, join(tmp, 'data-0'), frontier[0]!.sha256));
    const images = frontier[0]!.images;
    const rate = (r: ChildResult) => r.images / (r.ms / 1000);
    const frontierRate = median(frontier.map(rate));
    const sharpRate = median(sharpOnly.map(rate));
    const tensorMb = frontier[0]!.tensorBytes! / 1e6;
    const rss = (list: ChildResult[]) => Math.max(...list.map((r) => r.maxRssBytes)) / 1e6;
    return [
      {
        name: 'dataset.image-folder.register',
        value: frontierRate,
        unit: 'images/s',
        against: { name: 'sharp alone (decode + resize to raw, same files and concurrency)', value: sharpRate, unit: 'images/s' },
        ratio: frontierRate / sharpRate,
        ratioMeaning: 'Frontier registration / sharp throughput',
        note: `${images} images 96×96 (half PNG, half JPEG) → 3×64×64, centre crop; includes header probe, HWC→CHW, split, sha256, cache write; median of ${RUNS}`,
      },
      {
        name: 'dataset.image-folder.register.peak-rss',
        value: rss(frontier),
        unit: 'MB',
        against: { name: 'sharp alone, peak RSS', value: rss(sharpOnly), unit: 'MB' },
        ratio: rss(frontier) / rss(sharpOnly),
        ratioMeaning: 'peak RSS / sharp alone',
        note: `decoded tensors ${tensorMb.toFixed(1)} MB: registration holds them all in memory (no streaming yet)`,
      },
      {
        name: 'dataset.image-folder.load',
        value: median(load.map((r) => r.ms)),
        unit: 'ms',
        note: `a worker's read of the cache (sha256 checked) and its fit split; peak RSS ${rss(load).toFixed(0)} MB for ${tensorMb.toFixed(1)} MB of tensors (the whole cache is held in memory)`,
      },
    ];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
