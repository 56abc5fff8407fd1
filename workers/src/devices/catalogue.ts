import { WorkersError } from '../errors.js';
import { CATALOGUE_COST_MODELS } from './catalogue-costs.js';
import type { DeviceSpec } from './device-spec.js';
import { hostDevice, type HostFacts } from './host-device.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/**
 * Raspberry Pi 4 Model B (4 GB), the Cortex-A72 board. A TFLite/ONNX-style runtime on all four
 * cores, weights loaded into DRAM.
 */
const RPI4: DeviceSpec = {
  id: 'rpi4',
  name: 'Raspberry Pi 4 Model B (Cortex-A72)',
  kind: 'board',
  description: 'BCM2711, 4× Cortex-A72 at 1.5 GHz, 4 GB LPDDR4; all four cores; no fp16 arithmetic (Armv8.0-A)',
  // Raspberry Pi 4 Model B product brief, "Specification": 1, 2, 4 or 8 GB LPDDR4-3200 SDRAM; the
  // 4 GB variant. The board has no on-board storage: a 32 GB microSD card is assumed.
  ramBytes: 4 * GiB,
  storageBytes: 32e9,
  weightsInRam: true,
  peakMacsPerSecond: {
    // Cortex-A72 Software Optimization Guide (Arm UAN 0016A), §3.15 "ASIMD floating-point
    // instructions": FMLA (Q-form) has throughput 2 per cycle on pipes F0/F1 → 2 × 4 fp32 lanes =
    // 8 MAC/cycle/core; × 4 cores × 1.5 GHz (product brief) = 48 GMAC/s.
    fp32: 48e9,
    // int8: the same guide (§3.14 "ASIMD integer instructions") gives multiply-accumulate long
    // (SMLAL/SMLAL2) throughput 1 per cycle on F0 only — 8 products, no more MACs per cycle than
    // fp32, as Armv8.0-A has no SDOT. Yet int8 kernels move 4× fewer bytes and keep more of the
    // tile in registers: XNNPACK runs MobileNet v1 in 77.0 ms int8 against 134.4 ms fp32 on the
    // Armv8.0 cores of a Raspberry Pi 3B+ (TensorFlow blog, "Faster Quantized Inference with
    // XNNPACK", 2021-09-09, table). The effective int8 rate is taken as that 1.75× the fp32 peak.
    int8: 84e9,
  },
  // STREAM "Copy" best rate 5527 MB/s on a headless Pi 4 (sci-pi.org.uk/bench/stream.html); the
  // theoretical LPDDR4-3200 ×32-bit figure (12.8 GB/s) is not reached by the cores.
  ramBandwidthBytesPerSecond: 5.5e9,
  // Only used when weights execute in place, which they do not here; a microSD read rate
  // (~100 MB/s, "Performance Record of Raspberry Pi 4B", zhonguncle.github.io, I/O section).
  storageBandwidthBytesPerSecond: 100e6,
  // Assumption (no published per-operator figure found): 5 µs per operator for a CPU runtime's
  // kernel dispatch and thread-pool wake-up on four A72 cores. Calibrate with measurements.
  perOpOverheadSeconds: 5e-6,
  // Product brief: 1.5 GHz. The cost models count cycles of this clock (all four cores together).
  clockHz: 1.5e9,
  costModels: CATALOGUE_COST_MODELS['rpi4'],
};

/** STM32H743 (Cortex-M7 at 480 MHz), weights executed in place from internal flash. */
const STM32H7: DeviceSpec = {
  id: 'stm32h7',
  name: 'STM32H743 (Cortex-M7)',
  kind: 'mcu',
  description: 'Cortex-M7 at 480 MHz; tensor arena in the 512 KB AXI SRAM; weights read in place from the 2 MB flash',
  // STM32H743xI datasheet (DS12110), §3.3 "Memories": 2 Mbytes flash; 1 Mbyte RAM of which the
  // largest contiguous block is the 512 Kbyte AXI SRAM (the rest is 128 KB DTCM, 64 KB ITCM and
  // D2/D3 SRAMs at other addresses). A tensor arena must be contiguous, so 512 KB.
  ramBytes: 512 * KiB,
  storageBytes: 2 * MiB,
  weightsInRam: false,
  peakMacsPerSecond: {
    // Arm white paper "The DSP capabilities of ARM Cortex-M4 and Cortex-M7 Processors"
    // (T. Lorenser, 2016), appendix "Arithmetic instructions": single-precision VFMA issues every
    // cycle on the Cortex-M7 → 1 MAC/cycle × 480 MHz.
    fp32: 480e6,
    // Same paper, "SIMD instructions": SMLAD performs two 16×16 MACs in one cycle → 2 MAC/cycle
    // on int8 operands widened to 16 bits (the CMSIS-NN s8 kernels) × 480 MHz.
    int8: 960e6,
  },
  // RM0433 (STM32H742/743/750/753 reference manual), §2.1 "System architecture": the AXI SRAM sits
  // on the 64-bit AXI bus matrix of the D1 domain, clocked at most 240 MHz → 8 B × 240 MHz.
  ramBandwidthBytesPerSecond: 1.92e9,
  // RM0433 §4 "Embedded flash memory": 256-bit flash words read over the same 64-bit AXI bus;
  // with the wait states needed at 240 MHz a word takes 3 bus cycles (10.7 B/cycle), so the
  // 64-bit bus (1.92 GB/s) is the limit for streaming weights.
  storageBandwidthBytesPerSecond: 1.92e9,
  // Assumption (no published per-operator figure found): ~1,000 cycles per operator for an
  // interpreter's dispatch and quantization-parameter setup, 2.1 µs at 480 MHz.
  perOpOverheadSeconds: 2.1e-6,
  clockHz: 480e6,
  costModels: CATALOGUE_COST_MODELS['stm32h7'],
};

/** STM32U585 (Cortex-M33 at 160 MHz), weights executed in place from internal flash. */
const STM32U5: DeviceSpec = {
  id: 'stm32u5',
  name: 'STM32U585 (Cortex-M33)',
  kind: 'mcu',
  description: 'Cortex-M33 with DSP extension and FPU at 160 MHz; 768 KB contiguous SRAM; weights read in place from the 2 MB flash',
  // STM32U585xx datasheet (DS13086), "Features": 2 Mbytes flash, 786 Kbytes SRAM; RM0456 §2.3
  // "Memory map": SRAM1 (192 KB), SRAM2 (64 KB) and SRAM3 (512 KB) are contiguous from
  // 0x2000 0000 → 768 KB usable as one tensor arena (SRAM4 is separate).
  ramBytes: 768 * KiB,
  storageBytes: 2 * MiB,
  weightsInRam: false,
  peakMacsPerSecond: {
    // Arm publishes no FPU cycle table for the Cortex-M33; its FPv5 single-precision unit is
    // taken to match the Cortex-M4's (Cortex-M4 TRM r0p1, Table 7-1 "FPU instruction set":
    // VFMA.F32 3 cycles) → 160 MHz / 3.
    fp32: 53.3e6,
    // Cortex-M4 TRM Table 3-1 (the same DSP extension the M33 implements): SMLAD, two 16×16
    // MACs, 1 cycle → 2 MAC/cycle × 160 MHz.
    int8: 320e6,
  },
  // RM0456 §2.1 "System architecture": 32-bit multi-AHB bus matrix at the 160 MHz HCLK → 4 B × 160 MHz.
  ramBandwidthBytesPerSecond: 640e6,
  // RM0456 §7 "Embedded flash memory": 128-bit flash reads; at 160 MHz the flash needs 4 wait
  // states → 16 B per 5 cycles × 160 MHz.
  storageBandwidthBytesPerSecond: 512e6,
  // Assumption as for the STM32H7: ~1,000 cycles per operator, 6.25 µs at 160 MHz.
  perOpOverheadSeconds: 6.25e-6,
  clockHz: 160e6,
  costModels: CATALOGUE_COST_MODELS['stm32u5'],
};

/** STM32L4R5 (Cortex-M4 at 120 MHz), the MLPerf Tiny reference board; weights read in place from flash. */
const STM32L4R5: DeviceSpec = {
  id: 'stm32l4r5',
  name: 'STM32L4R5 (Cortex-M4)',
  kind: 'mcu',
  description: 'Cortex-M4 with DSP extension and FPU at 120 MHz (NUCLEO-L4R5ZI, the MLPerf Tiny reference board); 640 KB SRAM; weights read in place from the 2 MB flash',
  // STM32L4R5xx datasheet (DS12023), "Features": 2 Mbytes flash, 640 Kbytes SRAM; RM0432 §2.2
  // "Memory organization": SRAM1 (192 KB), SRAM2 (64 KB) and SRAM3 (384 KB) follow one another from
  // 0x2000 0000, so one contiguous 640 KB tensor arena.
  ramBytes: 640 * KiB,
  storageBytes: 2 * MiB,
  weightsInRam: false,
  peakMacsPerSecond: {
    // Cortex-M4 TRM r0p1, Table 7-1 "FPU instruction set": VFMA.F32 3 cycles → 120 MHz / 3.
    fp32: 40e6,
    // Cortex-M4 TRM Table 3-1: SMLAD, two 16×16 MACs in 1 cycle → 2 MAC/cycle × 120 MHz.
    int8: 240e6,
  },
  // RM0432 §2.1 "System architecture": 32-bit multi-AHB bus matrix at the 120 MHz HCLK → 4 B × 120 MHz.
  ramBandwidthBytesPerSecond: 480e6,
  // RM0432 §3 "Embedded flash memory": 128-bit flash reads (the ART accelerator's line); at 120 MHz
  // the flash needs 5 wait states → 16 B per 6 cycles × 120 MHz.
  storageBandwidthBytesPerSecond: 320e6,
  // Assumption as for the other STM32 parts: ~1,000 cycles per operator, 8.3 µs at 120 MHz.
  perOpOverheadSeconds: 8.3e-6,
  clockHz: 120e6,
  costModels: CATALOGUE_COST_MODELS['stm32l4r5'],
};

/** ESP32-S3 module with 8 MB quad-SPI flash; weights read through the flash cache. */
const ESP32S3: DeviceSpec = {
  id: 'esp32-s3',
  name: 'ESP32-S3 (Xtensa LX7, ESP32-S3-WROOM-1-N8)',
  kind: 'mcu',
  description: 'one LX7 core at 240 MHz with the PIE 128-bit SIMD extension; 512 KB internal SRAM; weights read in place from 8 MB quad-SPI flash; roofline only (no published MLPerf Tiny figure to fit)',
  // ESP32-S3 datasheet, §1 "Overview"/"Memory": 512 KB internal SRAM; ESP32-S3-WROOM-1 datasheet,
  // "Ordering information": the N8 module carries 8 MB of quad-SPI flash.
  ramBytes: 512 * KiB,
  storageBytes: 8 * MiB,
  weightsInRam: false,
  peakMacsPerSecond: {
    // ESP32-S3 datasheet, "CPU": single-precision FPU; one MADD.S per cycle assumed → 240 MHz.
    fp32: 240e6,
    // ESP32-S3 Technical Reference Manual, chapter 1 "Processor Instruction Extensions (PIE)":
    // 128-bit QR registers, EE.VMULAS.S8.QACC multiplies-accumulates 16 int8 lanes; one per
    // cycle → 16 × 240 MHz.
    int8: 3.84e9,
  },
  // Same TRM chapter: EE.VLD.128 loads 16 bytes from internal SRAM; one per cycle → 16 B × 240 MHz.
  ramBandwidthBytesPerSecond: 3.84e9,
  // ESP32-S3 datasheet, "SPI0/1": flash at up to 80 MHz in quad mode → 4 bits × 80 MHz = 40 MB/s
  // once weights outgrow the 32 KB data cache (each weight is read once per inference).
  storageBandwidthBytesPerSecond: 40e6,
  // Assumption as for the STM32 parts: ~1,000 cycles per operator, 4.2 µs at 240 MHz.
  perOpOverheadSeconds: 4.2e-6,
};

/** Coral Dev Board: NXP i.MX 8M with the Edge TPU, an int8-only systolic accelerator. */
const EDGE_TPU: DeviceSpec = {
  id: 'edge-tpu',
  name: 'Coral Dev Board (Edge TPU)',
  kind: 'accelerator',
  description: 'Edge TPU, int8 only (4 TOPS); weights cached in its 8 MB on-chip SRAM; 8 GB eMMC; roofline only (no published MLPerf Tiny figure to fit)',
  // Coral Dev Board datasheet, "Features": 8 GB eMMC (storage). The Edge TPU keeps parameters in
  // 8 MB of on-chip SRAM (coral.ai "Edge TPU inferencing overview": parameter data caching);
  // models larger than that stream weights from host memory, which this model does not cover, so
  // the on-chip SRAM is the RAM a model must fit.
  ramBytes: 8 * MiB,
  storageBytes: 8e9,
  weightsInRam: true,
  peakMacsPerSecond: {
    // coral.ai "Edge TPU performance benchmarks": 4 trillion operations per second; 2 operations
    // per MAC → 2 × 10^12 MAC/s. The Edge TPU executes only fully int8-quantized models.
    int8: 2e12,
  },
  // Assumption: Google publishes no on-chip bandwidth; 16 GB/s, so that the small models of this
  // platform are compute- or overhead-bound as the Coral benchmarks suggest (MobileNet v1 224,
  // 569 M MACs, in 2.4 ms on the Dev Board: Table 1 of the benchmarks page).
  ramBandwidthBytesPerSecond: 16e9,
  // eMMC 5.x read rate; unused because weights are loaded before inference.
  storageBandwidthBytesPerSecond: 400e6,
  // Assumption: the whole graph runs as one TPU invocation; ~2 µs per layer of instruction issue.
  perOpOverheadSeconds: 2e-6,
};

/** Built-in devices other than `host`, in catalogue order. */
export const CATALOGUE_DEVICES: readonly DeviceSpec[] = [RPI4, STM32H7, STM32U5, STM32L4R5, ESP32S3, EDGE_TPU];

/** Every built-in device: `host` (from this machine's facts) first, then the catalogue. */
export function deviceCatalogue(host: HostFacts): DeviceSpec[] {
  return [hostDevice(host), ...CATALOGUE_DEVICES];
}

/** The device with this id among `devices`; `BAD_DEVICE` naming the known ids otherwise. */
export function findDevice(id: string, devices: readonly DeviceSpec[]): DeviceSpec {
  const device = devices.find((d) => d.id === id);
  if (!device) {
    throw new WorkersError('BAD_DEVICE', `unknown device "${id}" (known: ${devices.map((d) => d.id).join(', ')})`, { id });
  }
  return device;
}
