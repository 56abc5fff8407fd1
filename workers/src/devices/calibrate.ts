import { WorkersError } from '../errors.js';
import type { DeviceGraph } from './device-graph.js';
import type { DeviceCalibration, DeviceSpec, LayerClass, LayerCoefficients } from './device-spec.js';
import { layerClass, layerTerms, predictLatency } from './latency-model.js';
import { nnls } from './nnls.js';

/** One measured model: its lowered graph and the latency measured on the device. */
export interface CalibrationSample {
  readonly graph: DeviceGraph;
  readonly measuredMs: number;
  /** What the sample is (a file path), for error messages. */
  readonly label?: string;
}

/** Per-class sums of a model's roofline terms: the regressors of the calibration. */
export interface ClassFeatures {
  /** Σ work / peak over the class's layers, seconds. */
  readonly compute: number;
  /** Σ bytes / bandwidth, seconds. */
  readonly memory: number;
  /** Number of layers. */
  readonly count: number;
}

/** The regressors of one model on one device; `BAD_ARGUMENT` if the device cannot run it. */
export function calibrationFeatures(graph: DeviceGraph, device: DeviceSpec, label = 'model'): Map<LayerClass, ClassFeatures> {
  const out = new Map<LayerClass, ClassFeatures>();
  for (const layer of graph.layers) {
    const terms = layerTerms(layer, device);
    if (!terms) {
      throw new WorkersError('BAD_ARGUMENT', `${label}: layer ${layer.name} needs ${layer.precision}, which ${device.id} does not execute`);
    }
    const cls = layerClass(layer);
    const f = out.get(cls) ?? { compute: 0, memory: 0, count: 0 };
    out.set(cls, { compute: f.compute + terms.computeSeconds, memory: f.memory + terms.memorySeconds, count: f.count + 1 });
  }
  return out;
}

type Column = { readonly cls: LayerClass | null; readonly term: keyof ClassFeatures | 'intercept' };

/**
 * Fits a device's latency model to measured latencies and returns the device with that
 * calibration. The model (see `predictLatency`) is linear in its coefficients:
 *
 *   t = t₀ + Σ_c (a_c · compute_c + b_c · memory_c + o_c · count_c)
 *
 * with one (a, b, o) triple per layer class present in the samples. The fit is non-negative least
 * squares (`nnls`) — a negative cost would be unphysical and lets collinear features cancel — on
 * relative residuals: each row is divided by its measured latency, so a 10 µs model weighs as
 * much as a 10 ms one and the fit targets the relative error the accuracy report counts. Columns
 * are scaled to unit maximum before the solve and the coefficients unscaled after.
 */
export function calibrateDevice(device: DeviceSpec, samples: readonly CalibrationSample[]): DeviceSpec {
  if (samples.length < 2) throw new WorkersError('BAD_ARGUMENT', `calibration needs at least 2 measured models, got ${samples.length}`);
  const uncalibrated: DeviceSpec = { ...device, calibration: undefined };
  const features = samples.map((s, i) => {
    const label = s.label ?? `sample ${i + 1}`;
    if (!Number.isFinite(s.measuredMs) || s.measuredMs <= 0) {
      throw new WorkersError('BAD_ARGUMENT', `${label}: measured latency must be a positive number of ms, got ${s.measuredMs}`);
    }
    return calibrationFeatures(s.graph, uncalibrated, label);
  });
  const columns = designColumns(features);
  const value = (f: Map<LayerClass, ClassFeatures>, c: Column): number => (c.cls === null ? 1 : (f.get(c.cls)?.[c.term as keyof ClassFeatures] ?? 0));
  const rows = features.map((f, r) => columns.map((c) => value(f, c) / (samples[r]!.measuredMs / 1e3)));
  const scale = columns.map((_, j) => Math.max(...rows.map((row) => Math.abs(row[j]!))) || 1);
  const x = nnls(rows.map((row) => row.map((v, j) => v / scale[j]!)), rows.map(() => 1));
  const coef = columns.map((_, j) => x[j]! / scale[j]!);

  const coefficients: Partial<Record<LayerClass, LayerCoefficients>> = {};
  let interceptSeconds = 0;
  columns.forEach((c, j) => {
    if (c.cls === null) {
      interceptSeconds = coef[j]!;
      return;
    }
    const prev = coefficients[c.cls] ?? { compute: 0, memory: 0, perOpSeconds: 0 };
    const key = c.term === 'count' ? 'perOpSeconds' : (c.term as 'compute' | 'memory');
    coefficients[c.cls] = { ...prev, [key]: coef[j]! };
  });
  const partial: DeviceCalibration = { coefficients, interceptSeconds, samples: samples.length, fitRmsRelativeError: 0 };
  const calibrated: DeviceSpec = { ...device, calibration: partial };
  let squares = 0;
  for (const s of samples) {
    const p = predictLatency(s.graph, calibrated);
    const rel = p.supported ? (p.ms - s.measuredMs) / s.measuredMs : 0;
    squares += rel * rel;
  }
  return { ...device, calibration: { ...partial, fitRmsRelativeError: Math.sqrt(squares / samples.length) } };
}

/** The intercept, then for each class seen: compute and memory (if ever nonzero) and count. */
function designColumns(features: readonly Map<LayerClass, ClassFeatures>[]): Column[] {
  const classes = [...new Set(features.flatMap((f) => [...f.keys()]))].sort();
  const columns: Column[] = [{ cls: null, term: 'intercept' }];
  for (const cls of classes) {
    for (const term of ['compute', 'memory', 'count'] as const) {
      if (features.some((f) => (f.get(cls)?.[term] ?? 0) > 0)) columns.push({ cls, term });
    }
  }
  return columns;
}
