// A child process of the `dataset` bench, so that each measurement's peak RSS is its own:
// `node dataset-child.js frontier|sharp|memory|stream ROOT DATA_DIR [SHA256]` prints one JSON line.
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { fillBatch, loadRegisteredImages, prepareDataset, registeredSplit } from '@frontier/workers';

const [mode, root, dataDir, sha256] = process.argv.slice(2) as [string, string, string, string | undefined];
const SIZE = 96;
const t0 = performance.now();
let images = 0;
let extra: Record<string, unknown> = {};
if (mode === 'frontier') {
  const p = await prepareDataset({ path: root, dataDir, size: [SIZE, SIZE], channels: 3 });
  images = p.classes.reduce((n, c) => n + c.count, 0);
  extra = { sha256: p.sha256, tensorBytes: images * 3 * SIZE * SIZE, cacheBytes: p.cacheBytes };
} else if (mode === 'sharp') {
  // sharp alone on the same files with the same operations and concurrency, buffers dropped.
  const files = readdirSync(root).flatMap((c) => readdirSync(join(root, c)).map((f) => join(root, c, f)));
  let next = 0;
  const lane = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      await sharp(file).removeAlpha().toColourspace('srgb').resize(SIZE, SIZE, { fit: 'cover', position: 'centre' }).raw().toBuffer();
      images++;
    }
  };
  await Promise.all(Array.from({ length: 2 * availableParallelism() }, lane));
} else if (mode === 'memory' || mode === 'stream') {
  // What an evaluation does: open the dataset, then one pass over its fit split in batches of 64.
  const loaded = loadRegisteredImages({ dataDir, ref: { sha256: sha256!, name: 'bench', normalize: { mean: [0], std: [1] } }, stream: mode === 'stream' });
  const fit = registeredSplit(loaded, 'fit');
  const batch = new Float32Array(64 * 3 * SIZE * SIZE);
  for (let start = 0; start < fit.count; start += 64) {
    fillBatch(fit, Int32Array.from({ length: Math.min(64, fit.count - start) }, (_, i) => start + i), batch);
  }
  images = fit.count;
  loaded.source?.close();
} else {
  throw new Error(`unknown mode ${mode}`);
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ mode, images, ms, maxRssBytes: process.resourceUsage().maxRSS * 1024, ...extra }));
