import { WorkersError } from '../errors.js';
import { KERNEL_CYCLE_TERMS, type KernelCycles, type StackCostModel } from './cost-model.js';
import {
  DEVICE_KINDS,
  LAYER_KINDS,
  PRECISIONS,
  type DeviceCalibration,
  type DeviceKind,
  type DeviceSpec,
  type LayerClass,
  type LayerCoefficients,
  type Precision,
} from './device-spec.js';

type Fields = Record<string, unknown>;

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const SPEC_KEYS = [
  'id', 'name', 'kind', 'description', 'ramBytes', 'storageBytes', 'weightsInRam', 'peakMacsPerSecond',
  'ramBandwidthBytesPerSecond', 'storageBandwidthBytesPerSecond', 'perOpOverheadSeconds', 'calibration', 'clockHz', 'costModels',
];

function fail(field: string, message: string, value: unknown): never {
  throw new WorkersError('BAD_DEVICE', `${field} ${message}, got ${show(value)}`, { field, value });
}

function show(v: unknown): string {
  return typeof v === 'string' || (typeof v === 'object' && v !== null) ? JSON.stringify(v) : String(v);
}

function object(value: unknown, field: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be an object', value);
  return value as Fields;
}

function onlyKeys(o: Fields, field: string, allowed: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key)) fail(`${field}.${key}`, `is not a device field (allowed: ${allowed.join(', ')})`, o[key]);
  }
}

function positive(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(field, 'must be a positive number', value);
  return value;
}

function nonNegative(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(field, 'must be a number ≥ 0', value);
  return value;
}

function byteCount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) fail(field, 'must be a positive integer number of bytes', value);
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') fail(field, 'must be a non-empty string', value);
  return value;
}

function peaks(value: unknown): Partial<Record<Precision, number>> {
  const o = object(value, 'device.peakMacsPerSecond');
  onlyKeys(o, 'device.peakMacsPerSecond', PRECISIONS);
  const out: Partial<Record<Precision, number>> = {};
  for (const p of PRECISIONS) {
    if (o[p] !== undefined) out[p] = positive(o[p], `device.peakMacsPerSecond.${p}`);
  }
  if (Object.keys(out).length === 0) fail('device.peakMacsPerSecond', `must name at least one precision (${PRECISIONS.join(', ')})`, value);
  return out;
}

function coefficients(value: unknown, field: string): LayerCoefficients {
  const o = object(value, field);
  onlyKeys(o, field, ['compute', 'memory', 'perOpSeconds']);
  return {
    compute: nonNegative(o['compute'], `${field}.compute`),
    memory: nonNegative(o['memory'], `${field}.memory`),
    perOpSeconds: nonNegative(o['perOpSeconds'], `${field}.perOpSeconds`),
  };
}

function calibration(value: unknown): DeviceCalibration {
  const field = 'device.calibration';
  const o = object(value, field);
  onlyKeys(o, field, ['coefficients', 'interceptSeconds', 'samples', 'fitRmsRelativeError']);
  const coeffs = object(o['coefficients'], `${field}.coefficients`);
  const classes = LAYER_KINDS.flatMap((k) => PRECISIONS.map((p): LayerClass => `${k}.${p}`));
  onlyKeys(coeffs, `${field}.coefficients`, classes);
  const out: Partial<Record<LayerClass, LayerCoefficients>> = {};
  for (const c of classes) if (coeffs[c] !== undefined) out[c] = coefficients(coeffs[c], `${field}.coefficients.${c}`);
  const samples = o['samples'];
  if (typeof samples !== 'number' || !Number.isInteger(samples) || samples < 1) fail(`${field}.samples`, 'must be a positive integer', samples);
  return {
    coefficients: out,
    interceptSeconds: nonNegative(o['interceptSeconds'], `${field}.interceptSeconds`),
    samples,
    fitRmsRelativeError: nonNegative(o['fitRmsRelativeError'], `${field}.fitRmsRelativeError`),
  };
}

function kernelCycleCosts(value: unknown, field: string): KernelCycles {
  const o = object(value, field);
  onlyKeys(o, field, KERNEL_CYCLE_TERMS);
  const out = {} as Record<(typeof KERNEL_CYCLE_TERMS)[number], number>;
  for (const t of KERNEL_CYCLE_TERMS) out[t] = nonNegative(o[t], `${field}.${t}`);
  return out;
}

function costModels(value: unknown): StackCostModel[] {
  if (!Array.isArray(value)) fail('device.costModels', 'must be an array', value);
  return value.map((item, i) => {
    const field = `device.costModels[${i}]`;
    const o = object(item, field);
    onlyKeys(o, field, ['stack', 'name', 'cycles', 'heldOutError', 'source']);
    const cycles = object(o['cycles'], `${field}.cycles`);
    onlyKeys(cycles, `${field}.cycles`, PRECISIONS);
    const out: Partial<Record<Precision, KernelCycles>> = {};
    for (const p of PRECISIONS) if (cycles[p] !== undefined) out[p] = kernelCycleCosts(cycles[p], `${field}.cycles.${p}`);
    return { stack: text(o['stack'], `${field}.stack`), name: text(o['name'], `${field}.name`), cycles: out, heldOutError: nonNegative(o['heldOutError'], `${field}.heldOutError`), source: text(o['source'], `${field}.source`) };
  });
}

/**
 * Checks a device description (a user's JSON, or a stored document) and returns it typed.
 * Throws `BAD_DEVICE` naming the first bad field and its value, e.g.
 * `device.ramBytes must be a positive integer number of bytes, got -5`.
 */
export function validateDeviceSpec(input: unknown): DeviceSpec {
  const o = object(input, 'device');
  onlyKeys(o, 'device', SPEC_KEYS);
  const id = text(o['id'], 'device.id');
  if (!ID_PATTERN.test(id)) fail('device.id', 'must be 1–64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit', id);
  const kind = o['kind'];
  if (typeof kind !== 'string' || !(DEVICE_KINDS as readonly string[]).includes(kind)) fail('device.kind', `must be one of ${DEVICE_KINDS.join(', ')}`, kind);
  if (typeof o['weightsInRam'] !== 'boolean') fail('device.weightsInRam', 'must be true or false', o['weightsInRam']);
  const spec: DeviceSpec = {
    id,
    name: text(o['name'], 'device.name'),
    kind: kind as DeviceKind,
    ...(o['description'] !== undefined ? { description: text(o['description'], 'device.description') } : {}),
    ramBytes: byteCount(o['ramBytes'], 'device.ramBytes'),
    storageBytes: byteCount(o['storageBytes'], 'device.storageBytes'),
    weightsInRam: o['weightsInRam'],
    peakMacsPerSecond: peaks(o['peakMacsPerSecond']),
    ramBandwidthBytesPerSecond: positive(o['ramBandwidthBytesPerSecond'], 'device.ramBandwidthBytesPerSecond'),
    storageBandwidthBytesPerSecond: positive(o['storageBandwidthBytesPerSecond'], 'device.storageBandwidthBytesPerSecond'),
    perOpOverheadSeconds: nonNegative(o['perOpOverheadSeconds'], 'device.perOpOverheadSeconds'),
  };
  return {
    ...spec,
    ...(o['clockHz'] !== undefined ? { clockHz: positive(o['clockHz'], 'device.clockHz') } : {}),
    ...(o['costModels'] !== undefined ? { costModels: costModels(o['costModels']) } : {}),
    ...(o['calibration'] !== undefined ? { calibration: calibration(o['calibration']) } : {}),
  };
}
