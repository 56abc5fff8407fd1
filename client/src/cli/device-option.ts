import { readFileSync } from 'node:fs';
import { deviceCatalogue, detectHostFacts, findDevice, validateDeviceSpec, WorkersError, type DeviceSpec } from '@frontier/workers';
import { UsageError } from './exit-codes.js';

/** The built-in devices: `host` (this machine) and the catalogue. */
export function builtinDevices(): DeviceSpec[] {
  return deviceCatalogue(detectHostFacts());
}

/**
 * The devices a `--device` value names: a catalogue id, `all`, or the path of a device spec JSON
 * file (a user device, or one written by `frontier device calibrate --out`). An unknown id is bad
 * usage; an unreadable or invalid file is an error.
 */
export function devicesFromOption(value: string): DeviceSpec[] {
  if (value.endsWith('.json')) return [readDeviceFile(value)];
  const devices = builtinDevices();
  if (value === 'all') return devices;
  try {
    return [findDevice(value, devices)];
  } catch (err) {
    if (err instanceof WorkersError && err.code === 'BAD_DEVICE') throw new UsageError(`--device: ${err.message}, or a device .json file`);
    throw err;
  }
}

/** Reads and validates a device spec JSON file. */
export function readDeviceFile(path: string): DeviceSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `device file not found: ${path}` : `cannot read device file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`device file ${path} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  return validateDeviceSpec(json);
}
