// `dataset`: Fashion-MNIST load time from the package's JSON files (cold) against the binary cache,
// the cached load against a bare read of the same file, and image-folder registration against
// sharp's own throughput on the same files (dataset-folder.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFashionMnist, loadFashionMnistImages } from '@frontier/workers';
import { imageFolderRecords } from './dataset-folder.js';
import { median, type BenchRecord, type BenchSection } from './record.js';

function timeMs(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

async function run(): Promise<BenchRecord[]> {
  const COLD_RUNS = 3;
  const WARM_RUNS = 7;
  const dataDir = mkdtempSync(join(tmpdir(), 'frontier-bench-dataset-'));
  try {
    const cacheFile = join(dataDir, 'datasets', 'fashion-mnist.v1.bin');
    const cold: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      rmSync(cacheFile, { force: true });
      cold.push(timeMs(() => loadFashionMnistImages({ dataDir })));
    }
    const cached = Array.from({ length: WARM_RUNS }, () => timeMs(() => loadFashionMnistImages({ dataDir })));
    const rawRead = Array.from({ length: WARM_RUNS }, () => timeMs(() => readFileSync(cacheFile)));
    const train = Array.from({ length: 3 }, () => timeMs(() => loadFashionMnist({ split: 'train', dataDir })));
    const mb = readFileSync(cacheFile).length / 1e6;
    const coldMs = median(cold);
    const cachedMs = median(cached);
    const rawMs = median(rawRead);
    return [
      {
        name: 'dataset.fashion-mnist.cold',
        value: coldMs,
        unit: 'ms',
        note: `the package's 10 JSON files parsed, checked and cached (${mb.toFixed(1)} MB written); median of ${COLD_RUNS}`,
      },
      {
        name: 'dataset.fashion-mnist.cached',
        value: cachedMs,
        unit: 'ms',
        against: { name: 'dataset.fashion-mnist.cold', value: coldMs, unit: 'ms' },
        ratio: coldMs / cachedMs,
        ratioMeaning: 'speed-up of the cache over JSON',
        note: `all 70 000 images, size and CRC-32 checked; median of ${WARM_RUNS}, file in the page cache`,
      },
      {
        name: 'dataset.fashion-mnist.cached.overhead',
        value: cachedMs,
        unit: 'ms',
        against: { name: 'fs.readFileSync(cache)', value: rawMs, unit: 'ms' },
        ratio: cachedMs / rawMs,
        ratioMeaning: 'cached load / bare read of the same file',
      },
      {
        name: 'dataset.fashion-mnist.split.train',
        value: median(train),
        unit: 'ms',
        note: 'loadFashionMnist train (60 000 images copied out of the cache); median of 3',
      },
      ...(await imageFolderRecords()),
    ];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const datasetSection: BenchSection = {
  name: 'dataset',
  description: 'Fashion-MNIST cold (JSON) vs cached load; image-folder registration vs sharp alone',
  run,
};
