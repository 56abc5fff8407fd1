import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkersError } from '../errors.js';
import { deviceCatalogue, findDevice } from './catalogue.js';
import { validateDeviceSpec } from './validate-device.js';
import { TEST_HOST } from '../testing/device-models.js';

const userDevice = {
  id: 'nrf5340',
  name: 'nRF5340 application core',
  kind: 'mcu',
  ramBytes: 512 * 1024,
  storageBytes: 1024 * 1024,
  weightsInRam: false,
  peakMacsPerSecond: { fp32: 42.7e6, int8: 256e6 },
  ramBandwidthBytesPerSecond: 512e6,
  storageBandwidthBytesPerSecond: 256e6,
  perOpOverheadSeconds: 8e-6,
};

function failsWith(input: unknown, message: RegExp, field: string): void {
  assert.throws(
    () => validateDeviceSpec(input),
    (err: unknown) => err instanceof WorkersError && err.code === 'BAD_DEVICE' && message.test(err.message) && err.details['field'] === field,
  );
}

describe('validateDeviceSpec', () => {
  it('accepts every catalogue device and a JSON round trip of it', () => {
    for (const device of deviceCatalogue(TEST_HOST)) {
      assert.deepEqual(validateDeviceSpec(JSON.parse(JSON.stringify(device))), device);
    }
  });

  it('accepts a user device, with or without a calibration', () => {
    assert.deepEqual(validateDeviceSpec(userDevice), userDevice);
    const calibration = { coefficients: { 'conv.int8': { compute: 1.5, memory: 0.2, perOpSeconds: 1e-5 } }, interceptSeconds: 1e-4, samples: 12, fitRmsRelativeError: 0.04 };
    assert.deepEqual(validateDeviceSpec({ ...userDevice, calibration }).calibration, calibration);
  });

  it('names the field and the value it rejects', () => {
    failsWith({ ...userDevice, ramBytes: -5 }, /^device\.ramBytes must be a positive integer number of bytes, got -5$/, 'device.ramBytes');
    failsWith({ ...userDevice, id: 'My Board' }, /^device\.id must be .*, got "My Board"$/, 'device.id');
    failsWith({ ...userDevice, kind: 'phone' }, /^device\.kind must be one of host, board, mcu, accelerator, got "phone"$/, 'device.kind');
    failsWith({ ...userDevice, peakMacsPerSecond: { int4: 1e9 } }, /^device\.peakMacsPerSecond\.int4 is not a device field/, 'device.peakMacsPerSecond.int4');
    failsWith({ ...userDevice, peakMacsPerSecond: {} }, /^device\.peakMacsPerSecond must name at least one precision/, 'device.peakMacsPerSecond');
    failsWith({ ...userDevice, peakMacsPerSecond: { fp32: 0 } }, /^device\.peakMacsPerSecond\.fp32 must be a positive number, got 0$/, 'device.peakMacsPerSecond.fp32');
    failsWith({ ...userDevice, weightsInRam: 'no' }, /^device\.weightsInRam must be true or false, got "no"$/, 'device.weightsInRam');
    failsWith({ ...userDevice, flashBytes: 3 }, /^device\.flashBytes is not a device field/, 'device.flashBytes');
    failsWith({ ...userDevice, perOpOverheadSeconds: Number.NaN }, /^device\.perOpOverheadSeconds must be a number ≥ 0, got NaN$/, 'device.perOpOverheadSeconds');
    failsWith(
      { ...userDevice, calibration: { coefficients: { 'conv.int8': { compute: -1, memory: 0, perOpSeconds: 0 } }, interceptSeconds: 0, samples: 3, fitRmsRelativeError: 0 } },
      /^device\.calibration\.coefficients\.conv\.int8\.compute must be a number ≥ 0, got -1$/,
      'device.calibration.coefficients.conv.int8.compute',
    );
    failsWith({ ...userDevice, clockHz: 0 }, /^device\.clockHz must be a positive number, got 0$/, 'device.clockHz');
    failsWith({ ...userDevice, costModels: {} }, /^device\.costModels must be an array, got \{\}$/, 'device.costModels');
    const stack = findDevice('stm32h7', deviceCatalogue(TEST_HOST)).costModels![0]!;
    failsWith(
      { ...userDevice, costModels: [{ ...stack, cycles: { int8: { ...stack.cycles.int8, depthwise: -2 } } }] },
      /^device\.costModels\[0\]\.cycles\.int8\.depthwise must be a number ≥ 0, got -2$/,
      'device.costModels[0].cycles.int8.depthwise',
    );
    failsWith({ ...userDevice, costModels: [{ ...stack, cycles: { int4: stack.cycles.int8 } }] }, /^device\.costModels\[0\]\.cycles\.int4 is not a device field/, 'device.costModels[0].cycles.int4');
    failsWith({ ...userDevice, costModels: [{ ...stack, heldOutError: -0.1 }] }, /^device\.costModels\[0\]\.heldOutError must be a number ≥ 0, got -0\.1$/, 'device.costModels[0].heldOutError');
    failsWith([], /^device must be an object, got \[\]$/, 'device');
  });

  it('finds devices by id and names the known ones otherwise', () => {
    const devices = deviceCatalogue(TEST_HOST);
    assert.equal(findDevice('esp32-s3', devices).kind, 'mcu');
    assert.throws(() => findDevice('pi5', devices), /unknown device "pi5" \(known: host, rpi4, stm32h7, stm32u5, stm32l4r5, esp32-s3, edge-tpu\)/);
  });

  it('derives the host peaks from its SIMD facts', () => {
    const host = findDevice('host', deviceCatalogue(TEST_HOST));
    // 2 GHz × 2 FMA pipes × 8 fp32 lanes (AVX2); int8 without a dot product: twice that.
    assert.equal(host.peakMacsPerSecond.fp32, 32e9);
    assert.equal(host.peakMacsPerSecond.int8, 64e9);
    const vnni = findDevice('host', deviceCatalogue({ ...TEST_HOST, vectorBits: 512, int8Dot: true }));
    assert.equal(vnni.peakMacsPerSecond.int8, 2e9 * 2 * 16 * 4);
  });
});
