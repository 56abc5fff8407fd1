import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Facts about the machine a benchmark ran on, written at the head of every result file. */
export interface MachineFacts {
  readonly cpuModel: string;
  readonly cpuFlags: readonly string[];
  readonly cores: number;
  readonly memoryBytes: number;
  readonly node: string;
  readonly platform: string;
  readonly date: string;
}

// The SIMD extensions that decide kernel speed; the full flag list is long and mostly irrelevant.
const INTERESTING_FLAGS = ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx_vnni', 'neon', 'asimd'];

export function machineFacts(): MachineFacts {
  let flags: string[] = [];
  try {
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    const line = cpuinfo.split('\n').find((l) => l.startsWith('flags') || l.startsWith('Features')) ?? '';
    const all = new Set(line.split(':')[1]?.trim().split(/\s+/) ?? []);
    flags = INTERESTING_FLAGS.filter((f) => all.has(f));
  } catch {
    // Not Linux: the flags stay unknown.
  }
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cpuFlags: flags,
    cores: os.availableParallelism(),
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    date: new Date().toISOString(),
  };
}
