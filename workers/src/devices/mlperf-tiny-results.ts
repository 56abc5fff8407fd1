/**
 * Published MLPerf Tiny inference results used to fit and check the catalogue's cost models: the
 * median single-inference latency of the closed-division reference models — `kws` (DS-CNN) and
 * `vww` (MobileNetV1 α = 0.25) — per board and software stack. Source: the MLCommons results
 * repositories `mlcommons/tiny_results_v0.5` … `v1.2`; each row names its `results.txt`. The
 * latency is 1000 / the median inferences per second reported there (the
 * Raspberry Pi rows: the latency of its `performance_log.txt`).
 */
export interface MlperfTinyResult {
  readonly task: 'kws' | 'vww';
  /** Stack id (see `STACKS`). */
  readonly stack: string;
  readonly core: MlperfCore;
  readonly board: string;
  readonly clockMHz: number;
  /** int8 unless the submission says float. */
  readonly precision: 'int8' | 'fp32';
  readonly latencyMs: number;
  /** The results file in the MLCommons results repository. */
  readonly file: string;
}

export type MlperfCore = 'cortex-m4' | 'cortex-m7' | 'cortex-m33' | 'cortex-a72';

/** The software stacks of the rows, with what each one is. */
export const STACKS: Readonly<Record<string, string>> = {
  'x-cube-ai-9': 'STMicroelectronics X-CUBE-AI 9.0 (vendor-optimised int8 kernels; the catalogue default on STM32)',
  'x-cube-ai-8.1': 'STMicroelectronics X-CUBE-AI 8.1',
  'x-cube-ai-7.3': 'STMicroelectronics X-CUBE-AI 7.3',
  'plumerai-2023.05': 'Plumerai Inference Engine 2023.05',
  'hale-1.0': 'Bosch Hardware-Aware Lowering Engine 1.0',
  'tflm-reference': 'TensorFlow Lite for Microcontrollers 2.3.1, reference kernels (the MLPerf Tiny reference submission)',
  'leip-1.9.3': 'Latent AI LEIP 1.9.3 on the Raspberry Pi 4 (int8)',
  'hale-1.0.175': 'Bosch HALE 1.0.175, its int8 and float builds of the same model',
};

type Row = readonly [MlperfTinyResult['task'], string, MlperfCore, string, number, number, string];

const ST = 'closed/STMicroelectronics/results';
const rows: readonly Row[] = [
  // [task, stack, core, board, clock MHz, latency ms, results file]
  ['kws', 'x-cube-ai-9', 'cortex-m7', 'NUCLEO_H7A3ZI_Q', 280, 11.318, `tiny_results_v1.2/${ST}/NUCLEO_H7A3ZI_Q/kws`],
  ['vww', 'x-cube-ai-9', 'cortex-m7', 'NUCLEO_H7A3ZI_Q', 280, 23.804, `tiny_results_v1.2/${ST}/NUCLEO_H7A3ZI_Q/vww`],
  ['kws', 'x-cube-ai-9', 'cortex-m4', 'NUCLEO_L4R5ZI', 120, 43.187, `tiny_results_v1.2/${ST}/NUCLEO_L4R5ZI/kws`],
  ['vww', 'x-cube-ai-9', 'cortex-m4', 'NUCLEO_L4R5ZI', 120, 88.928, `tiny_results_v1.2/${ST}/NUCLEO_L4R5ZI/vww`],
  ['kws', 'x-cube-ai-9', 'cortex-m33', 'NUCLEO_U575ZI_Q', 160, 29.056, `tiny_results_v1.2/${ST}/NUCLEO_U575ZI_Q/kws`],
  ['vww', 'x-cube-ai-9', 'cortex-m33', 'NUCLEO_U575ZI_Q', 160, 59.277, `tiny_results_v1.2/${ST}/NUCLEO_U575ZI_Q/vww`],
  ['kws', 'x-cube-ai-8.1', 'cortex-m7', 'NUCLEO_H7A3ZI_Q', 280, 15.353, `tiny_results_v1.1/${ST}/NUCLEO_H7A3ZI_Q/kws`],
  ['vww', 'x-cube-ai-8.1', 'cortex-m7', 'NUCLEO_H7A3ZI_Q', 280, 29.629, `tiny_results_v1.1/${ST}/NUCLEO_H7A3ZI_Q/vww`],
  ['kws', 'x-cube-ai-8.1', 'cortex-m4', 'NUCLEO_L4R5ZI', 120, 62.873, `tiny_results_v1.1/${ST}/NUCLEO_L4R5ZI/kws`],
  ['vww', 'x-cube-ai-8.1', 'cortex-m4', 'NUCLEO_L4R5ZI', 120, 118.694, `tiny_results_v1.1/${ST}/NUCLEO_L4R5ZI/vww`],
  ['kws', 'x-cube-ai-8.1', 'cortex-m33', 'NUCLEO_U575ZI_Q', 160, 38.58, `tiny_results_v1.1/${ST}/NUCLEO_U575ZI_Q/kws`],
  ['vww', 'x-cube-ai-8.1', 'cortex-m33', 'NUCLEO_U575ZI_Q', 160, 71.561, `tiny_results_v1.1/${ST}/NUCLEO_U575ZI_Q/vww`],
  ['kws', 'x-cube-ai-7.3', 'cortex-m7', 'NUCLEO-H7A3ZI-Q', 280, 16.76, `tiny_results_v1.0/${ST}/NUCLEO-H7A3ZI-Q/kws`],
  ['vww', 'x-cube-ai-7.3', 'cortex-m7', 'NUCLEO-H7A3ZI-Q', 280, 50.705, `tiny_results_v1.0/${ST}/NUCLEO-H7A3ZI-Q/vww`],
  ['kws', 'x-cube-ai-7.3', 'cortex-m4', 'NUCLEO_L4R5ZI', 120, 75.058, `tiny_results_v1.0/${ST}/NUCLEO_L4R5ZI/kws`],
  ['vww', 'x-cube-ai-7.3', 'cortex-m4', 'NUCLEO_L4R5ZI', 120, 230.468, `tiny_results_v1.0/${ST}/NUCLEO_L4R5ZI/vww`],
  ['kws', 'x-cube-ai-7.3', 'cortex-m33', 'NUCLEO-U575ZI-Q', 160, 44.232, `tiny_results_v1.0/${ST}/NUCLEO-U575ZI-Q/kws`],
  ['vww', 'x-cube-ai-7.3', 'cortex-m33', 'NUCLEO-U575ZI-Q', 160, 133.404, `tiny_results_v1.0/${ST}/NUCLEO-U575ZI-Q/vww`],
  ['kws', 'plumerai-2023.05', 'cortex-m7', 'NUCLEO-H7A3ZI-Q', 280, 13.862, 'tiny_results_v1.1/closed/plumerai/results/NUCLEO-H7A3ZI-Q/kws'],
  ['vww', 'plumerai-2023.05', 'cortex-m7', 'NUCLEO-H7A3ZI-Q', 280, 26.817, 'tiny_results_v1.1/closed/plumerai/results/NUCLEO-H7A3ZI-Q/vww'],
  ['kws', 'plumerai-2023.05', 'cortex-m7', 'DISCO-F746NG', 216, 17.749, 'tiny_results_v1.1/closed/plumerai/results/DISCO-F746NG/kws'],
  ['vww', 'plumerai-2023.05', 'cortex-m7', 'DISCO-F746NG', 216, 34.08, 'tiny_results_v1.1/closed/plumerai/results/DISCO-F746NG/vww'],
  ['kws', 'plumerai-2023.05', 'cortex-m4', 'NUCLEO-L4R5ZI', 120, 47.781, 'tiny_results_v1.1/closed/plumerai/results/NUCLEO-L4R5ZI/kws'],
  ['vww', 'plumerai-2023.05', 'cortex-m4', 'NUCLEO-L4R5ZI', 120, 98.756, 'tiny_results_v1.1/closed/plumerai/results/NUCLEO-L4R5ZI/vww'],
  ['kws', 'plumerai-2023.05', 'cortex-m33', 'NUCLEO-U575ZI-Q', 160, 30.043, 'tiny_results_v1.1/closed/plumerai/results/NUCLEO-U575ZI-Q/kws'],
  ['vww', 'plumerai-2023.05', 'cortex-m33', 'NUCLEO-U575ZI-Q', 160, 59.492, 'tiny_results_v1.1/closed/plumerai/results/NUCLEO-U575ZI-Q/vww'],
  ['kws', 'hale-1.0', 'cortex-m7', 'NUCLEO_H7A3ZI', 280, 14.715, 'tiny_results_v1.1/closed/bosch/results/NUCLEO_H7A3ZI/kws'],
  ['vww', 'hale-1.0', 'cortex-m7', 'NUCLEO_H7A3ZI', 280, 43.657, 'tiny_results_v1.1/closed/bosch/results/NUCLEO_H7A3ZI/vww'],
  ['kws', 'hale-1.0', 'cortex-m4', 'NUCLEO_L4R5ZI', 120, 62.68, 'tiny_results_v1.1/closed/bosch/results/NUCLEO_L4R5ZI/kws'],
  ['vww', 'hale-1.0', 'cortex-m4', 'NUCLEO_L4R5ZI', 120, 180.734, 'tiny_results_v1.1/closed/bosch/results/NUCLEO_L4R5ZI/vww'],
  ['kws', 'hale-1.0', 'cortex-m33', 'NUCLEO_U575ZI', 160, 39.736, 'tiny_results_v1.1/closed/bosch/results/NUCLEO_U575ZI/kws'],
  ['vww', 'hale-1.0', 'cortex-m33', 'NUCLEO_U575ZI', 160, 114.745, 'tiny_results_v1.1/closed/bosch/results/NUCLEO_U575ZI/vww'],
  ['kws', 'tflm-reference', 'cortex-m4', 'Nucleo-L4R5ZI', 120, 181.917, 'tiny_results_v0.5/closed/reference/results/Nucleo-L4R5ZI/kws'],
  ['vww', 'tflm-reference', 'cortex-m4', 'Nucleo-L4R5ZI', 120, 600.601, 'tiny_results_v0.5/closed/reference/results/Nucleo-L4R5ZI/vww'],
  ['kws', 'leip-1.9.3', 'cortex-a72', 'raspberry_pi_4_leip_framework', 1500, 0.421, 'tiny_results_v0.5/closed/latentai/results/raspberry_pi_4_leip_framework/kws/kws_int8/performance/performance_log.txt'],
  ['vww', 'leip-1.9.3', 'cortex-a72', 'raspberry_pi_4_leip_framework', 1500, 2.599, 'tiny_results_v0.5/closed/latentai/results/raspberry_pi_4_leip_framework/vww/vww_int8/performance/performance_log.txt'],
];

/** Float against int8 of one stack on one board: the only published float figures (vww only). */
const floatRows: readonly Row[] = [
  ['vww', 'hale-1.0.175', 'cortex-m7', 'NUCLEO_H7A3ZI_float', 280, 81.42, 'tiny_results_v1.2/closed/bosch/results/NUCLEO_H7A3ZI_float/vww'],
  ['vww', 'hale-1.0.175', 'cortex-m4', 'CY8CPROTO_062_4343W_float', 150, 360.62, 'tiny_results_v1.2/closed/bosch/results/CY8CPROTO_062_4343W_float/vww'],
];
const floatTwins: readonly Row[] = [
  ['vww', 'hale-1.0.175', 'cortex-m7', 'NUCLEO_H7A3ZI_int8', 280, 43.764, 'tiny_results_v1.2/closed/bosch/results/NUCLEO_H7A3ZI_int8/vww'],
  ['vww', 'hale-1.0.175', 'cortex-m4', 'CY8CPROTO_062_4343W_int8', 150, 154.679, 'tiny_results_v1.2/closed/bosch/results/CY8CPROTO_062_4343W_int8/vww'],
];

const toResult = (precision: 'int8' | 'fp32') => ([task, stack, core, board, clockMHz, latencyMs, file]: Row): MlperfTinyResult => ({
  task, stack, core, board, clockMHz, precision, latencyMs, file: file.endsWith('.txt') ? file : `${file}/performance/results.txt`,
});

/** The int8 rows: closed division, reference models unchanged. */
export const MLPERF_TINY_RESULTS: readonly MlperfTinyResult[] = [...rows, ...floatTwins].map(toResult('int8'));

/** The float rows (Bosch HALE's float build of `vww`), paired with `MLPERF_TINY_RESULTS`' int8 twins. */
export const MLPERF_TINY_FLOAT_RESULTS: readonly MlperfTinyResult[] = floatRows.map(toResult('fp32'));
