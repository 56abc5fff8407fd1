// `table`: measures a real tabular benchmark — every recipe of a 120-recipe space over the four
// techniques, compressed from the zoo fashion-cnn with the real kernels and evaluated on
// Fashion-MNIST `val` for the STM32H7 — and writes it as a `frontier-table/1` file under
// search/tables/ with its provenance. Measuring takes minutes of CPU (distillation and 5000-image
// evaluations per recipe), so when the file already exists the section re-measures a few of its
// rows and reports how far they moved; FRONTIER_TABLE_REMEASURE=1 measures the whole table again.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineSpace, formatTable, parseTable, sha256Hex, TABLE_FORMAT, type Recipe, type TableFile, type TableRow, type TrialMetrics } from '@frontier/search';
import {
  defaultDataDir,
  detectHostFacts,
  deviceCatalogue,
  EvaluationCache,
  evaluateCandidate,
  findDevice,
  loadFashionMnistImages,
  zooModelPath,
  type EvaluateOutput,
} from '@frontier/workers';
import { machineFacts } from './machine.js';
import { median, type BenchRecord, type BenchSection } from './record.js';

const MODEL = 'fashion-cnn';
const DEVICE = 'stm32h7';
const SEED = 1;
/** The checked-in table (FRONTIER_TABLE_OUT writes elsewhere). */
const TABLE_PATH = process.env['FRONTIER_TABLE_OUT'] ?? fileURLToPath(new URL('../../../search/tables/fashion-cnn-stm32h7.json', import.meta.url));
/** Rows re-measured to check a checked-in table. */
const SPOT_CHECKS = 4;

/**
 * 3 low-rank settings (off, 0.25, 0.5) × 5 pruning settings (off, 0.5/0.8 × unstructured/channel)
 * × 2 distillation settings (off, 0.05 epoch) × 4 quantization settings (off, int8 activations with
 * 2/4/8-bit per-channel weights) = 120 recipes. Distillation is short (0.05 epoch ≈ 2750 images,
 * ≈ 5 s here) so the whole table measures in minutes, not hours.
 */
export const REAL_TABLE_SPACE = {
  lowRank: { rankRatio: { values: [0.25, 0.5] } },
  prune: { ratio: { values: [0.5, 0.8] }, structure: { values: ['unstructured', 'channel'] } },
  distill: { epochs: 0.05 },
  quant: { weightBits: { values: [2, 4, 8] }, activationBits: { values: [8] }, granularity: { values: ['per-channel'] } },
} as const;

interface Measured {
  readonly row: TableRow;
  readonly out: EvaluateOutput;
}

function metricsOf(out: EvaluateOutput): TrialMetrics {
  const m = out.metrics;
  return { accuracy: m.accuracy.val, latencyMs: m.latency.ms, peakRamBytes: m.peakRamBytes, modelBytes: m.modelBytes, deployBytes: m.deployBytes, params: m.params, macs: m.macs };
}

/** Measures recipes one after another on this thread (one onnxruntime thread), logging progress to stderr. */
async function measure(recipes: readonly Recipe[]): Promise<Measured[]> {
  const bytes = new Uint8Array(readFileSync(zooModelPath(MODEL)));
  const model = { sha256: sha256Hex(bytes), bytes };
  const device = findDevice(DEVICE, deviceCatalogue(detectHostFacts()));
  const dataDir = defaultDataDir();
  const cache = new EvaluationCache();
  const out: Measured[] = [];
  for (const [i, recipe] of recipes.entries()) {
    const result = await evaluateCandidate({ kind: 'evaluate', model, recipe, dataset: 'fashion-mnist', dataDir, device, seed: SEED }, cache);
    out.push({ row: { recipe, metrics: metricsOf(result) }, out: result });
    const t = result.provenance.timings['totalMs']! / 1000;
    console.error(`table ${i + 1}/${recipes.length}: ${JSON.stringify(recipe)} accuracy ${result.metrics.accuracy.val} (${t.toFixed(1)} s)`);
  }
  return out;
}

function tableFile(measured: readonly Measured[], seconds: number): TableFile {
  const first = measured[0]!.out.provenance;
  const totals = measured.map((m) => m.out.provenance.timings['totalMs']! / 1000);
  const machine = machineFacts();
  return {
    format: TABLE_FORMAT,
    name: 'fashion-cnn-stm32h7',
    description:
      'Real compression trade-offs of the zoo fashion-cnn: each recipe compressed with Frontier\'s kernels (distillation fine-tunes on the fit split), ' +
      'accuracy measured on Fashion-MNIST val, sizes and RAM from the STM32H7 memory model, latency from its predictor.',
    source: `npm run bench -- table (test/src/bench/table.ts), seed ${SEED}`,
    model: `${MODEL} (zoo), sha256 ${first.modelSha256}`,
    dataset: `fashion-mnist val (5000 images), sha256 ${first.datasetSha256}`,
    device: `${DEVICE} (STM32H743, Cortex-M7 480 MHz), latency PREDICTED`,
    space: REAL_TABLE_SPACE,
    rows: measured.map((m) => m.row),
    provenance: {
      versions: first.versions,
      seed: SEED,
      measuredSeconds: Math.round(seconds),
      secondsPerRecipe: { median: Number(median(totals).toFixed(2)), max: Number(Math.max(...totals).toFixed(2)) },
      machine: `${machine.cpuModel}, ${machine.cores} cores shared with other work, one onnxruntime thread, nice 10`,
    },
  };
}

async function measureAll(): Promise<BenchRecord[]> {
  const space = defineSpace(REAL_TABLE_SPACE);
  const recipes = Array.from({ length: space.size }, (_, i) => space.recipeAt(i));
  const started = performance.now();
  const measured = await measure(recipes);
  const seconds = (performance.now() - started) / 1000;
  const file = tableFile(measured, seconds);
  parseTable(file); // the file must be a valid table before it is written
  writeFileSync(TABLE_PATH, formatTable(file));
  return [
    { name: 'table.recipes', value: recipes.length, unit: 'recipes', note: `written to ${TABLE_PATH}` },
    { name: 'table.seconds', value: seconds, unit: 's', note: `${(seconds / recipes.length).toFixed(1)} s per recipe on one thread, load average ${os.loadavg()[0]!.toFixed(1)} at the end` },
  ];
}

/** Re-measures a few rows of the checked-in table (spread over it) and reports the largest change. */
async function spotCheck(): Promise<BenchRecord[]> {
  const table = parseTable(JSON.parse(readFileSync(TABLE_PATH, 'utf8')));
  const rows = table.file.rows;
  const picked = Array.from({ length: SPOT_CHECKS }, (_, k) => rows[Math.floor(((k + 0.5) * rows.length) / SPOT_CHECKS)]!);
  const measured = await measure(picked.map((r) => r.recipe));
  const accuracyDiff = Math.max(...measured.map((m, k) => Math.abs(m.row.metrics.accuracy! - picked[k]!.metrics.accuracy!)));
  const sizeDiff = Math.max(...measured.map((m, k) => Math.abs(m.row.metrics.deployBytes! - picked[k]!.metrics.deployBytes!)));
  return [
    {
      name: 'table.spot_check.max_accuracy_change',
      value: accuracyDiff,
      unit: 'accuracy',
      note: `${SPOT_CHECKS} of ${rows.length} rows of ${TABLE_PATH} re-measured (same seed); largest deployBytes change ${sizeDiff}; FRONTIER_TABLE_REMEASURE=1 measures the whole table`,
    },
  ];
}

export const tableSection: BenchSection = {
  name: 'table',
  description: 'a real tabular benchmark: fashion-cnn on stm32h7 over a 120-recipe space, measured with the real kernels and evaluation',
  async run() {
    loadFashionMnistImages({ dataDir: defaultDataDir() }); // builds the dataset cache if missing
    return existsSync(TABLE_PATH) && process.env['FRONTIER_TABLE_REMEASURE'] !== '1' ? spotCheck() : measureAll();
  },
};
