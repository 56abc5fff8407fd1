import { Command } from 'commander';
import { PRECISIONS, type DeviceSpec } from '@frontier/workers';
import { builtinDevices } from '../device-option.js';
import { formatBytes, table } from '../format.js';
import { toJson, type CliIo } from '../io.js';

/** `frontier devices`: the device catalogue with its memory, compute and bandwidth figures. */
export function devicesCommand(io: CliIo): Command {
  return new Command('devices')
    .description('list the target devices: RAM, storage, native precisions with peak MAC/s, bandwidth, per-op overhead')
    .option('--json', 'print machine-readable JSON (the device specs)')
    .action((options: { json?: boolean }) => {
      const devices = builtinDevices();
      io.out(options.json ? toJson(devices) : render(devices));
    });
}

function render(devices: readonly DeviceSpec[]): string {
  const rate = (v: number | undefined) => (v === undefined ? '–' : v >= 1e9 ? `${(v / 1e9).toFixed(v >= 1e11 ? 0 : 1)} G` : `${(v / 1e6).toFixed(0)} M`);
  const rows = devices.map((d) => [
    d.id,
    d.name,
    formatBytes(d.ramBytes),
    formatBytes(d.storageBytes),
    d.weightsInRam ? 'RAM' : 'flash (XIP)',
    ...PRECISIONS.map((p) => rate(d.peakMacsPerSecond[p])),
    `${(d.ramBandwidthBytesPerSecond / 1e9).toFixed(2)} GB/s`,
    `${(d.perOpOverheadSeconds * 1e6).toFixed(1)} µs`,
    d.calibration ? `yes (${d.calibration.samples})` : 'no',
    d.costModels?.map((m) => `${m.stack} ±${(m.heldOutError * 100).toFixed(0)}%`).join(', ') || '–',
  ]);
  const header = ['id', 'name', 'RAM', 'storage', 'weights in', ...PRECISIONS.map((p) => `${p} MAC/s`), 'RAM bw', 'per op', 'calibrated', 'stacks (held-out error)'];
  const notes = devices.filter((d) => d.description).map((d) => `${d.id}: ${d.description}`);
  return [table(header, rows), '', ...notes, '', 'latency: host is MEASURED (onnxruntime-node); every device is also PREDICTED: by a calibration, else by the first stack\'s cost model fitted to MLPerf Tiny results (default stack first; `predict --stack` picks another), else by the roofline + per-op overhead'].join('\n');
}
