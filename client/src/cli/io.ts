import { UsageError } from './exit-codes.js';

/** Where a command writes; swapped in tests to capture output without a child process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress bars are drawn only then). */
  readonly interactive: boolean;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  interactive: Boolean(process.stderr.isTTY),
};

/** Parses a positive integer option value, or throws a usage error naming the option. */
export function positiveInt(option: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${option} must be a positive integer, got "${value}"`);
    return n;
  };
}

/** Parses a number option value, or throws a usage error naming the option. */
export function finiteNumber(option: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${option} must be a number, got "${value}"`);
    return n;
  };
}

/** Pretty JSON for `--json` output (one document per command). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2);
}
