// `npm run zoo [-- ARCH...]`: trains the reference teachers from their fixed seed and recipe and
// writes workers/zoo/ARCH.onnx plus workers/zoo/manifest.json (entries of other architectures are
// kept). Single-threaded onnxruntime makes a run repeatable: same seed, same weights.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { defaultDataDir } from '../data/data-dir.js';
import { writeModel } from '../onnx/write-model.js';
import { ZOO_ARCHITECTURES, type ZooArchitecture } from '../zoo/architectures.js';
import { zooDir, type ZooEntry, type ZooManifest } from '../zoo/manifest.js';
import { trainArchitecture, ZOO_RECIPES } from '../zoo/train-architecture.js';

/** The seed every zoo model is trained from. */
const ZOO_SEED = 1;

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(ZOO_ARCHITECTURES as readonly string[]).includes(w));
  if (unknown.length > 0) {
    console.error(`unknown architecture(s): ${unknown.join(', ')}; known: ${ZOO_ARCHITECTURES.join(', ')}`);
    process.exit(2);
  }
  const archs = (wanted.length > 0 ? wanted : [...ZOO_ARCHITECTURES]) as ZooArchitecture[];
  const dir = zooDir();
  mkdirSync(dir, { recursive: true });
  const manifestFile = join(dir, 'manifest.json');
  const previous: ZooManifest = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as ZooManifest) : { models: [] };
  const entries = new Map(previous.models.map((m) => [m.arch, m]));
  for (const arch of archs) {
    console.log(`training ${arch} (seed ${ZOO_SEED}, ${ZOO_RECIPES[arch].epochs} epochs)`);
    const { model, metrics } = await trainArchitecture({
      arch,
      seed: ZOO_SEED,
      dataDir: defaultDataDir(),
      onProgress: (p) => {
        if (p.step === p.stepsPerEpoch) {
          console.log(`  epoch ${p.epoch}/${p.epochs}: loss ${p.loss.toFixed(4)}, train accuracy ${(100 * p.accuracy).toFixed(2)}%, ${p.imagesPerSecond.toFixed(0)} images/s`);
        }
      },
    });
    const bytes = writeModel(model);
    const file = `${arch}.onnx`;
    writeFileSync(join(dir, file), bytes);
    const entry: ZooEntry = {
      arch,
      file,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      bytes: bytes.length,
      testAccuracy: metrics.testAccuracy,
      valAccuracy: metrics.valAccuracy,
      params: metrics.params,
      macs: metrics.macs,
      trainSeconds: Math.round(metrics.trainSeconds * 10) / 10,
      imagesPerSecond: Math.round(metrics.imagesPerSecond),
      seed: metrics.seed,
      epochs: metrics.epochs,
      recipe: ZOO_RECIPES[arch],
      trainedOn: 'fashion-mnist/fit (55 000 images)',
      history: metrics.history.map((h) => ({ ...h, seconds: Math.round(h.seconds * 10) / 10 })),
      environment: { node: process.version, onnxruntime: onnxruntimeVersion(), cpu: os.cpus()[0]?.model ?? 'unknown' },
    };
    entries.set(arch, entry);
    console.log(`  → ${file}: test accuracy ${(100 * entry.testAccuracy).toFixed(2)}%, val ${(100 * entry.valAccuracy).toFixed(2)}%, ${entry.trainSeconds} s`);
    const manifest: ZooManifest = { models: ZOO_ARCHITECTURES.flatMap((a) => (entries.has(a) ? [entries.get(a)!] : [])) };
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  }
}

function onnxruntimeVersion(): string {
  const pkg = createRequire(import.meta.url)('onnxruntime-node/package.json') as { version: string };
  return pkg.version;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
