// The image-folder half of the `dataset` section: registering a folder of JPEG/PNG images against
// sharp decoding the same files alone, and the peak RSS of each (measured in child processes).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticImageFolder } from '@frontier/workers/testing';
import { median, type BenchRecord } from './record.js';

/** 3 classes × this many 96×96 images (half PNG, half JPEG), registered at 96×96. */
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
    const sha = frontier[0]!.sha256;
    const memory = Array.from({ length: RUNS }, () => child('memory', root, join(tmp, 'data-0'), sha));
    const stream = Array.from({ length: RUNS }, () => child('stream', root, join(tmp, 'data-0'), sha));
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
        note: `${images} images 96×96 (half PNG, half JPEG) → 3×96×96, centre crop; includes header probe, HWC→CHW, split, sha256, cache write; median of ${RUNS}`,
      },
      {
        name: 'dataset.image-folder.register.peak-rss',
        value: rss(frontier),
        unit: 'MB',
        against: { name: 'sharp alone, peak RSS', value: rss(sharpOnly), unit: 'MB' },
        ratio: rss(frontier) / rss(sharpOnly),
        ratioMeaning: 'peak RSS / sharp alone',
        note: `decoded tensors ${tensorMb.toFixed(1)} MB: registration holds them all in memory (it does not stream)`,
      },
      {
        name: 'dataset.image-folder.eval-pass.stream.peak-rss',
        value: rss(stream),
        unit: 'MB',
        against: { name: 'the same pass with the cache in memory, peak RSS', value: rss(memory), unit: 'MB' },
        ratio: rss(stream) / rss(memory),
        ratioMeaning: 'streamed / in memory',
        note: `open (sha256 and CRC checked) + one pass over fit in batches of 64; ${tensorMb.toFixed(1)} MB of tensors; a bare node process with the workers package loaded is most of both`,
      },
      {
        name: 'dataset.image-folder.eval-pass.stream.time',
        value: median(stream.map((r) => r.ms)),
        unit: 'ms',
        against: { name: 'in memory', value: median(memory.map((r) => r.ms)), unit: 'ms' },
        ratio: median(stream.map((r) => r.ms)) / median(memory.map((r) => r.ms)),
        ratioMeaning: 'streamed / in memory (one read per image)',
        note: `median of ${RUNS}`,
      },
    ];
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
