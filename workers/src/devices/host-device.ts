import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import { HOST_DEVICE_ID, type DeviceSpec } from './device-spec.js';

/** The facts about this machine that the `host` device spec is derived from. */
export interface HostFacts {
  readonly cpuModel: string;
  /** Core clock; `clockKnown` false when no source reported it and 2 GHz was assumed. */
  readonly clockHz: number;
  readonly clockKnown: boolean;
  readonly ramBytes: number;
  /** Free bytes on the file system of the working directory. */
  readonly storageBytes: number;
  /** Widest SIMD registers the kernels use: 512 (AVX-512), 256 (AVX2), 128 (SSE / NEON). */
  readonly vectorBits: 128 | 256 | 512;
  /** Fused multiply-add instructions (x86 FMA3; always on AArch64). */
  readonly fma: boolean;
  /** An int8 dot-product instruction: x86 AVX-VNNI / AVX512-VNNI, Arm SDOT (`asimddp`). */
  readonly int8Dot: boolean;
}

/**
 * Reads this machine's facts: /proc/cpuinfo (flags, clock) on Linux, `os` for memory and the
 * file system of the working directory for storage. Elsewhere the SIMD facts fall back to the
 * architecture's baseline (SSE2 on x64, NEON on arm64) and the clock to an assumed 2 GHz.
 */
export function detectHostFacts(): HostFacts {
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: the baseline below applies.
  }
  const flagLine = cpuinfo.split('\n').find((l) => l.startsWith('flags') || l.startsWith('Features')) ?? '';
  const flags = new Set(flagLine.split(':')[1]?.trim().split(/\s+/) ?? []);
  const arm = process.arch === 'arm64';
  const mhzLine = cpuinfo.split('\n').find((l) => l.startsWith('cpu MHz'));
  const mhz = Number(mhzLine?.split(':')[1]) || os.cpus()[0]?.speed || 0;
  let storageBytes: number;
  try {
    const fs = statfsSync('.');
    storageBytes = fs.bavail * fs.bsize;
  } catch {
    storageBytes = 0; // unknown: reported as 1 byte below, so nothing "fits" by accident
  }
  return {
    cpuModel: os.cpus()[0]?.model.trim() || 'unknown CPU',
    clockHz: mhz > 0 ? mhz * 1e6 : 2e9,
    clockKnown: mhz > 0,
    ramBytes: os.totalmem(),
    storageBytes: Math.max(1, storageBytes),
    vectorBits: flags.has('avx512f') ? 512 : flags.has('avx2') ? 256 : 128,
    fma: arm || flags.has('fma'),
    int8Dot: flags.has('avx512_vnni') || flags.has('avx_vnni') || flags.has('asimddp'),
  };
}

/**
 * The `host` device: this machine running onnxruntime-node with one intra-op thread, so every
 * figure is for one core. Its latencies are measured; the predictor figures below matter only
 * for `frontier predict`'s PREDICTED column and as the scale the host calibration starts from.
 */
export function hostDevice(facts: HostFacts): DeviceSpec {
  const lanes = facts.vectorBits / 32;
  // Two vector FMA pipes per core on every x86 core since Haswell / Zen 1 and on Arm's big cores:
  // Intel 64 and IA-32 Architectures Optimization Reference Manual (Skylake microarchitecture,
  // "two FMA units on ports 0 and 1"); AMD Software Optimization Guide for Family 19h, §2.11
  // (Zen 4 FPU: two FMA pipes). One FMA is one multiply-accumulate per lane.
  const fp32 = facts.clockHz * 2 * lanes * (facts.fma ? 1 : 0.5);
  // int8: VPDPBUSD / SDOT multiply four u8×s8 pairs into each 32-bit lane (Intel SDM Vol. 2C,
  // VPDPBUSD; Arm ARM, SDOT). Without them the VPMADDUBSW → VPMADDWD → VPADDD sequence needs
  // three instructions for the same four products, about half the rate.
  const int8 = facts.clockHz * 2 * lanes * (facts.int8Dot ? 4 : 2);
  return {
    id: HOST_DEVICE_ID,
    name: `this machine (${facts.cpuModel})`,
    kind: 'host',
    description:
      `one core at ${(facts.clockHz / 1e9).toFixed(2)} GHz${facts.clockKnown ? '' : ' (clock unknown, 2 GHz assumed)'}, ` +
      `${facts.vectorBits}-bit SIMD${facts.int8Dot ? ' with int8 dot product' : ''}; latency measured with onnxruntime-node (1 thread)`,
    ramBytes: facts.ramBytes,
    storageBytes: facts.storageBytes,
    weightsInRam: true,
    // fp16 is left out: onnxruntime's CPU provider has no fp16 kernels for Conv/Gemm on x86.
    peakMacsPerSecond: { fp32, int8 },
    // Assumption, not a measurement of this machine: one core of a current server streams about
    // 20 GB/s. Host latency is measured, and `calibrateDevice` rescales this term per layer class.
    ramBandwidthBytesPerSecond: 20e9,
    storageBandwidthBytesPerSecond: 1e9,
    // onnxruntime's per-node dispatch: about a microsecond. The `devices` benchmark's calibration on
    // a 2.1 GHz Zen 5 core fitted 0.4–2.6 µs per layer class (plus ~24 µs per inference for the
    // session call); calibrating on the machine at hand replaces this figure.
    perOpOverheadSeconds: 1e-6,
  };
}
