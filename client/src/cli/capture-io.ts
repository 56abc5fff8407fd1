import type { CliIo } from './io.js';

/** A `CliIo` that records what a command writes, for tests that run commands in-process. */
export function captureIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    interactive: false,
    out: (text: string) => void (io.stdout += text.endsWith('\n') ? text : `${text}\n`),
    err: (text: string) => void (io.stderr += text.endsWith('\n') ? text : `${text}\n`),
  };
  return io;
}
