// `devices`: how well the host latency predictor, calibrated on some model variants, predicts
// held-out architectures it never saw — against a MACs-proportional baseline fitted on the same
// measurements — and how noisy the host measurements themselves are, in the same run.
import {
  calibrateDevice,
  deviceCatalogue,
  deviceGraphFor,
  deviceReport,
  detectHostFacts,
  findDevice,
  measureLatency,
  nnls,
  predictLatency,
  predictionAccuracy,
  Rng,
  type DeviceGraph,
  type DeviceSpec,
  type PredictionAccuracy,
} from '@frontier/workers';
import { heldOutRecords } from './device-heldout.js';
import { modelVariants, VARIANT_KINDS, zooVariants, type Variant } from './device-variants.js';
import { median, quantile, type BenchRecord, type BenchSection } from './record.js';

const SEED = 20_250_501;
const ARCHITECTURES = 24;
/** Architectures [0, TRAIN) calibrate; the rest are held out. */
const TRAIN = 16;
/**
 * Measurement rounds: every model once per round, in a fresh seeded order each round, so a burst of
 * load from elsewhere on the machine hits different models each time rather than one architecture.
 * The held-out models get more rounds, for the CV.
 */
const TRAIN_ROUNDS = 5;
const TEST_ROUNDS = 7;
const TIMING = { warmup: 20, runs: 100 };

/**
 * What a model's latency is taken to be. `median`: the median over rounds of each round's median
 * run — what Frontier reports as a host latency. `min`: the fastest run of any round — the figure
 * least disturbed by other processes on a shared machine, whose load comes in bursts.
 */
type Statistic = 'median' | 'min';

interface Measured {
  readonly variant: Variant;
  readonly graph: DeviceGraph;
  /** One entry per round. */
  readonly rounds: { median: number; min: number; cv: number; tail: number }[];
}

async function measure(items: readonly Measured[], rng: Rng): Promise<void> {
  const roundsOf = (m: Measured) => (m.variant.base >= 0 && m.variant.base < TRAIN ? TRAIN_ROUNDS : TEST_ROUNDS);
  for (let r = 0; r < TEST_ROUNDS; r++) {
    for (const m of rng.shuffle(items.filter((i) => roundsOf(i) > r))) {
      const t = await measureLatency(m.variant.bytes, TIMING);
      m.rounds.push({ median: t.medianMs, min: t.minMs, cv: t.cv, tail: t.p90Ms / t.medianMs - 1 });
    }
  }
}

const latencyOf = (m: Measured, stat: Statistic): number =>
  stat === 'median' ? median(m.rounds.map((r) => r.median)) : Math.min(...m.rounds.map((r) => r.min));

function predicted(graphs: readonly DeviceGraph[], device: DeviceSpec): number[] {
  return graphs.map((g) => {
    const p = predictLatency(g, device);
    if (!p.supported) throw new Error(`host cannot run ${p.layers.join(', ')}`);
    return p.ms;
  });
}

/** t = a + b·MACs, fitted like the calibration (non-negative, on relative residuals). */
function macsBaseline(train: readonly Measured[], stat: Statistic): (g: DeviceGraph) => number {
  const rows = train.map((m) => [1 / latencyOf(m, stat), m.graph.macs / latencyOf(m, stat)]);
  const scale = [Math.max(...rows.map((r) => r[0]!)), Math.max(...rows.map((r) => r[1]!))];
  const x = nnls(rows.map((r) => [r[0]! / scale[0]!, r[1]! / scale[1]!]), rows.map(() => 1));
  return (g) => x[0]! / scale[0]! + (x[1]! / scale[1]!) * g.macs;
}

function cv(values: readonly number[]): number {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance) / mean;
}

const pct = (v: number) => v * 100;

function accuracyRecords(prefix: string, a: PredictionAccuracy, base: PredictionAccuracy, note: string): BenchRecord[] {
  const vs = (name: string, value: number, unit: string) => ({ name: `macs-linear baseline ${name}`, value, unit });
  const ratio = { ratioMeaning: 'calibrated / baseline' };
  return [
    { name: `${prefix}.within10`, value: pct(a.within10), unit: '%', against: vs('within10', pct(base.within10), '%'), ratio: a.within10 / base.within10, ...ratio, note },
    { name: `${prefix}.within25`, value: pct(a.within25), unit: '%', against: vs('within25', pct(base.within25), '%'), ratio: a.within25 / base.within25, ...ratio },
    { name: `${prefix}.spearman`, value: a.spearman, unit: 'rho', against: vs('spearman', base.spearman, 'rho'), ratio: a.spearman / base.spearman, ...ratio },
    {
      name: `${prefix}.median_abs_error`,
      value: pct(a.medianAbsRelativeError),
      unit: '%',
      against: vs('median_abs_error', pct(base.medianAbsRelativeError), '%'),
      ratio: base.medianAbsRelativeError / a.medianAbsRelativeError,
      ratioMeaning: 'baseline error / calibrated error',
    },
  ];
}

/** Calibrates on the fitting models for one statistic; `score` rates its predictions on other models. */
function evaluate(host: DeviceSpec, train: readonly Measured[], stat: Statistic) {
  const calibrated = calibrateDevice(host, train.map((m) => ({ graph: m.graph, measuredMs: latencyOf(m, stat), label: m.variant.name })));
  const baselineOf = macsBaseline(train, stat);
  const score = (set: readonly Measured[]) => {
    const truth = set.map((m) => latencyOf(m, stat));
    const ours = predicted(set.map((m) => m.graph), calibrated);
    return { truth, ours, accuracy: predictionAccuracy(ours, truth), baseline: predictionAccuracy(set.map((m) => baselineOf(m.graph)), truth) };
  };
  return { calibrated, score };
}

export const devicesSection: BenchSection = {
  name: 'devices',
  description:
    'MCU and Pi cost models fitted to MLPerf Tiny results and scored on held-out rows per core and stack; host latency predictor calibrated on model variants and scored on held-out architectures and compressed zoo models; host measurement noise',
  async run() {
    const devices = deviceCatalogue(detectHostFacts());
    const host = findDevice('host', devices);
    const variants = [...modelVariants(SEED, ARCHITECTURES), ...(await zooVariants(SEED))];
    const all: Measured[] = variants.map((variant) => ({ variant, graph: deviceGraphFor(variant.model, host), rounds: [] }));
    const train = all.filter((m) => m.variant.base >= 0 && m.variant.base < TRAIN);
    const test = all.filter((m) => m.variant.base >= TRAIN);
    const zoo = all.filter((m) => m.variant.base < 0);
    await measure(all, new Rng(SEED));

    const setup =
      `${ARCHITECTURES} seeded architectures × ${VARIANT_KINDS.join('/')}: calibrated on ${train.length} models (architectures 0–${TRAIN - 1}), ` +
      `scored on ${test.length} held-out ones; a latency is the median over ${TRAIN_ROUNDS} (fitting) or ${TEST_ROUNDS} (held-out) rounds ` +
      `of the median of ${TIMING.runs} runs after ${TIMING.warmup} warm-up (onnxruntime-node, 1 thread, fresh session per round)`;
    const medFit = evaluate(host, train, 'median');
    const minFit = evaluate(host, train, 'min');
    const med = medFit.score(test);
    const min = minFit.score(test);
    const zooScore = medFit.score(zoo);
    const records: BenchRecord[] = [...heldOutRecords(), ...accuracyRecords('host.heldout', med.accuracy, med.baseline, setup)];
    for (const kind of VARIANT_KINDS) {
      const idx = test.map((m, i) => (m.variant.kind === kind ? i : -1)).filter((i) => i >= 0);
      const a = predictionAccuracy(idx.map((i) => med.ours[i]!), idx.map((i) => med.truth[i]!));
      records.push({ name: `host.heldout.${kind}.within25`, value: pct(a.within25), unit: '%', note: `${idx.length} models; within ±10%: ${pct(a.within10).toFixed(0)}%, Spearman ${a.spearman.toFixed(2)}` });
    }
    records.push(
      ...accuracyRecords('host.heldout_min', min.accuracy, min.baseline, 'the same, with the fastest run over all rounds as the latency: the figure least disturbed by other load'),
      ...accuracyRecords(
        'host.zoo',
        zooScore.accuracy,
        zooScore.baseline,
        `${zoo.length} zoo models (${zoo.map((m) => m.variant.name).join(', ')}) from the compression kernels, predicted with the calibration fitted on the generated variants`,
      ),
    );
    const roofline = predicted(test.map((m) => m.graph), host);
    const lowerBound = roofline.filter((p, i) => p <= med.truth[i]!).length / roofline.length;
    const repeatCvs = (stat: Statistic) => test.map((m) => cv(m.rounds.map((r) => r[stat])));
    const rounds = all.flatMap((m) => m.rounds);
    records.push(
      {
        name: 'host.roofline.spearman',
        value: predictionAccuracy(roofline, med.truth).spearman,
        unit: 'rho',
        note: `uncalibrated roofline; below the measurement (a lower bound) for ${pct(lowerBound).toFixed(0)}% of held-out models`,
      },
      { name: 'host.roofline.median_ratio', value: median(roofline.map((p, i) => p / med.truth[i]!)), unit: 'predicted/measured' },
      { name: 'host.fit.rms_relative_error', value: pct(medFit.calibrated.calibration!.fitRmsRelativeError), unit: '%', note: `in-sample, ${train.length} models` },
      {
        name: 'host.noise.cv_repeats',
        value: pct(median(repeatCvs('median'))),
        unit: '%',
        against: { name: 'p90 over models', value: pct(quantile(repeatCvs('median'), 0.9)), unit: '%' },
        note: `CV of the ${TEST_ROUNDS} per-round medians of each held-out model (fresh session each): the floor under any predictor's error`,
      },
      {
        name: 'host.noise.cv_repeats_min',
        value: pct(median(repeatCvs('min'))),
        unit: '%',
        against: { name: 'p90 over models', value: pct(quantile(repeatCvs('min'), 0.9)), unit: '%' },
        note: 'the same for the per-round fastest runs: how much the machine itself speeds up and slows down between rounds',
      },
      {
        name: 'host.noise.cv_runs',
        value: pct(median(rounds.map((r) => r.cv))),
        unit: '%',
        note: `median CV of the ${TIMING.runs} timed runs inside one measurement (mean-based, so a few stalled runs dominate it); median p90/median − 1: ${pct(median(rounds.map((r) => r.tail))).toFixed(1)}%`,
      },
    );
    const started = performance.now();
    for (const v of variants) for (const d of devices) deviceReport(deviceGraphFor(v.model, d), d);
    const predictMs = (performance.now() - started) / (variants.length * devices.length);
    records.push({ name: 'predict.ms_per_model_device', value: predictMs, unit: 'ms', note: `lower + memory + latency for one model on one device (${devices.length} devices)` });
    return records;
  },
};
