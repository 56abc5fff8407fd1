import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import {
  ZOO_ARCHITECTURES,
  ZOO_RECIPES,
  defaultDataDir,
  trainArchitecture,
  writeModel,
  type TrainingProgress,
  type ZooArchitecture,
} from '@frontier/workers';
import { BUILTIN_DATASET } from '@frontier/search';
import { registeredRef } from '../dataset-options.js';
import { UsageError } from '../exit-codes.js';
import { formatCount } from '../format.js';
import { positiveInt, toJson, type CliIo } from '../io.js';

interface TrainOptions {
  arch: string;
  dataset?: string;
  dataDir?: string;
  epochs?: number;
  seed?: number;
  out: string;
  json?: boolean;
}

/**
 * `frontier train --arch fashion-cnn --epochs N --out model.onnx`: trains a zoo architecture on
 * Fashion-MNIST `fit`, writes the exported model (BatchNormalization folded) and reports val/test
 * accuracy. A progress bar (images/s, loss, training accuracy) is drawn on an interactive stderr.
 */
export function trainCommand(io: CliIo): Command {
  return new Command('train')
    .description('train a reference architecture on Fashion-MNIST or a registered dataset (fit split) and write the ONNX model')
    .requiredOption('--arch <name>', `architecture: ${ZOO_ARCHITECTURES.join(', ')}`)
    .option('--epochs <n>', 'epochs (default: the zoo recipe)', positiveInt('--epochs'))
    .option('--seed <n>', 'seed of weights, shuffling and augmentation (default 1)', positiveInt('--seed'))
    .requiredOption('--out <file>', 'where to write the .onnx file')
    .option('--dataset <name>', 'train on a dataset registered with `frontier datasets add` (its fit split; val and test reported) instead of Fashion-MNIST')
    .option('--data-dir <dir>', 'Frontier\'s data folder (default: $FRONTIER_DATA or ./.frontier)')
    .option('--json', 'print machine-readable JSON')
    .action(async (options: TrainOptions) => {
      if (!(ZOO_ARCHITECTURES as readonly string[]).includes(options.arch)) {
        throw new UsageError(`--arch must be one of ${ZOO_ARCHITECTURES.join(', ')}, got "${options.arch}"`);
      }
      const arch = options.arch as ZooArchitecture;
      const epochs = options.epochs ?? ZOO_RECIPES[arch].epochs;
      const bar = io.interactive && !options.json ? progressBar() : undefined;
      const dataDir = options.dataDir ?? defaultDataDir();
      const dataset = options.dataset && options.dataset !== BUILTIN_DATASET ? await registeredRef(options.dataset, dataDir) : undefined;
      const { model, metrics } = await trainArchitecture({
        arch,
        epochs,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(dataset ? { dataset } : {}),
        dataDir,
        onProgress: (p) => (bar ? bar.update(p) : undefined),
      });
      bar?.stop();
      const bytes = writeModel(model);
      const out = resolve(options.out);
      writeFileSync(out, bytes);
      const report = { out, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, dataset: options.dataset ?? BUILTIN_DATASET, ...metrics };
      io.out(options.json ? toJson(report) : render(report));
    });
}

function progressBar(): { update(p: TrainingProgress): void; stop(): void } {
  const bar = new SingleBar({
    format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | {speed} img/s | loss {loss} | acc {acc}%',
    stream: process.stderr,
    hideCursor: true,
  });
  let started = false;
  return {
    update(p) {
      const total = p.epochs * p.stepsPerEpoch;
      const done = (p.epoch - 1) * p.stepsPerEpoch + p.step;
      const payload = { epoch: p.epoch, epochs: p.epochs, speed: p.imagesPerSecond.toFixed(0), loss: p.loss.toFixed(4), acc: (100 * p.accuracy).toFixed(2) };
      if (!started) {
        bar.start(total, done, payload);
        started = true;
      } else bar.update(done, payload);
    },
    stop: () => bar.stop(),
  };
}

function render(r: { out: string; sha256: string; arch: string; epochs: number; seed: number; testAccuracy: number; valAccuracy: number; params: number; macs: number; trainSeconds: number; imagesPerSecond: number }): string {
  return [
    `${r.arch}: ${r.epochs} epochs, seed ${r.seed}, ${r.trainSeconds.toFixed(1)} s (${r.imagesPerSecond.toFixed(0)} images/s)`,
    `accuracy  val ${(100 * r.valAccuracy).toFixed(2)}%, test ${(100 * r.testAccuracy).toFixed(2)}%`,
    `params    ${formatCount(r.params)}, MACs ${formatCount(r.macs)}`,
    `wrote     ${r.out} (sha256 ${r.sha256})`,
  ].join('\n');
}
