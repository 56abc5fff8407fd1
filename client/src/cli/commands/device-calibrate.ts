import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { Command } from 'commander';
import {
  calibrateDevice,
  deviceGraphFor,
  parseMeasurementsCsv,
  predictLatency,
  predictionAccuracy,
  readModel,
  type CalibrationSample,
  type DeviceSpec,
  type PredictionAccuracy,
} from '@frontier/workers';
import { UsageError } from '../exit-codes.js';
import { devicesFromOption } from '../device-option.js';
import { table } from '../format.js';
import { toJson, type CliIo } from '../io.js';
import { readModelFile } from '../model-file.js';

interface CalibrateOptions {
  device: string;
  measurements: string;
  out?: string;
  json?: boolean;
}

/** `frontier device …`: commands about one device; `calibrate` fits its latency model. */
export function deviceCommand(io: CliIo): Command {
  const calibrate = new Command('calibrate')
    .description(
      'fit a device latency model to measurements: a CSV of `model,ms` rows (the .onnx path, relative to the CSV, and the latency measured on the device in ms)',
    )
    .requiredOption('--device <id>', 'a device id from `frontier devices` or a device spec .json file')
    .requiredOption('--measurements <file.csv>', 'CSV with one `model,ms` row per measured model (a header row is allowed)')
    .option('--out <spec.json>', 'write the calibrated device spec here (use it as `--device spec.json`)')
    .option('--json', 'print machine-readable JSON')
    .action((options: CalibrateOptions) => {
      const devices = devicesFromOption(options.device);
      if (devices.length !== 1) throw new UsageError('--device: calibrate needs one device, not "all"');
      const device = devices[0]!;
      const samples = readSamples(options.measurements, device);
      const calibrated = calibrateDevice(device, samples);
      const measured = samples.map((s) => s.measuredMs);
      const accuracy = (d: DeviceSpec): PredictionAccuracy => predictionAccuracy(samples.map((s) => latencyMs(s, d)), measured);
      const result = { device: calibrated, samples: samples.length, fit: accuracy(calibrated), uncalibrated: accuracy({ ...device, calibration: undefined }) };
      if (options.out) writeFileSync(options.out, toJson(calibrated) + '\n');
      io.out(options.json ? toJson(result) : render(result, options.out));
    });
  for (const c of [calibrate]) {
    c.exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
    c.showHelpAfterError('(run with --help for usage)');
  }
  return new Command('device').description('device commands: calibrate').addCommand(calibrate);
}

function readSamples(csvPath: string, device: DeviceSpec): CalibrationSample[] {
  let text: string;
  try {
    text = readFileSync(csvPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `measurements file not found: ${csvPath}` : `cannot read ${csvPath}: ${(err as Error).message}`, { cause: err });
  }
  return parseMeasurementsCsv(text).map((row) => {
    const path = isAbsolute(row.model) ? row.model : join(dirname(csvPath), row.model);
    return { graph: deviceGraphFor(readModel(readModelFile(path).bytes), device), measuredMs: row.ms, label: `${csvPath}:${row.line} (${row.model})` };
  });
}

function latencyMs(sample: CalibrationSample, device: DeviceSpec): number {
  const p = predictLatency(sample.graph, device);
  return p.supported ? p.ms : Number.NaN;
}

function render(r: { device: DeviceSpec; samples: number; fit: PredictionAccuracy; uncalibrated: PredictionAccuracy }, out: string | undefined): string {
  const c = r.device.calibration!;
  const pct = (v: number) => `${(v * 100).toFixed(0)}%`;
  const rows = Object.entries(c.coefficients).map(([cls, k]) => [cls, k.compute.toPrecision(3), k.memory.toPrecision(3), `${(k.perOpSeconds * 1e6).toFixed(2)} µs`]);
  const quality = (name: string, a: PredictionAccuracy) =>
    `${name}: ${pct(a.within10)} within ±10%, ${pct(a.within25)} within ±25%, Spearman ${a.spearman.toFixed(3)}, median error ${pct(a.medianAbsRelativeError)}`;
  return [
    `${r.device.id}: fitted on ${r.samples} measured models (non-negative least squares on relative error)`,
    '',
    table(['layer class', '× compute', '× memory', 'per op'], rows),
    `intercept ${(c.interceptSeconds * 1e6).toFixed(1)} µs per inference`,
    '',
    quality('calibrated (on the fitting set)', r.fit),
    quality('roofline before calibration', r.uncalibrated),
    out ? `\nwrote ${out}` : '',
  ].join('\n').trimEnd();
}
