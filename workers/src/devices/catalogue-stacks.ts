import type { CatalogueStackOptions } from './catalogue-stack.js';

/**
 * Which published results each catalogue device's cost models are fitted to (`catalogueStack`),
 * default stack first. The boards are the MLPerf Tiny boards with the catalogue device's core:
 * the H7A3 (Cortex-M7 at 280 MHz) for the H743, whose cycle counts are taken to carry over to
 * 480 MHz — the same core with 16 KB instruction and data caches hiding flash wait states, which
 * is an assumption; the U575 for the U585 (the same die without the crypto block); the L4R5 itself.
 */
export const CATALOGUE_STACKS: Readonly<Record<string, readonly CatalogueStackOptions[]>> = {
  rpi4: [
    {
      stack: 'leip-1.9.3',
      board: 'raspberry_pi_4_leip_framework',
      // XNNPACK: MobileNet v1 134.4 ms fp32 against 77.0 ms int8 on the Armv8.0 cores of a Raspberry
      // Pi 3B+ (TensorFlow blog, "Faster Quantized Inference with XNNPACK", 2021-09-09).
      fp32: { ratio: 1.75, why: 'XNNPACK MobileNet v1 fp32/int8 on Armv8.0 Cortex-A cores, TensorFlow blog 2021-09-09' },
    },
  ],
  // The TFLite Micro reference kernels were published on the Cortex-M4 only: carried to the other
  // cores by the cycle ratio of the stacks measured on both (`coreRatio`).
  stm32h7: [
    { stack: 'x-cube-ai-9', board: 'NUCLEO_H7A3ZI_Q', fp32: { board: 'NUCLEO_H7A3ZI' } },
    { stack: 'tflm-reference', board: 'Nucleo-L4R5ZI', core: 'cortex-m7' },
  ],
  // No float figure exists for a Cortex-M33: its FPU is taken to match the Cortex-M4's (as the
  // spec's peak rate does), so the M4 board's float/int8 ratio applies.
  stm32u5: [
    { stack: 'x-cube-ai-9', board: 'NUCLEO_U575ZI_Q', fp32: { board: 'CY8CPROTO_062_4343W' } },
    { stack: 'tflm-reference', board: 'Nucleo-L4R5ZI', core: 'cortex-m33' },
  ],
  stm32l4r5: [
    { stack: 'x-cube-ai-9', board: 'NUCLEO_L4R5ZI', fp32: { board: 'CY8CPROTO_062_4343W' } },
    { stack: 'tflm-reference', board: 'Nucleo-L4R5ZI' },
  ],
};
