// Public surface of @frontier/client.
export { main, buildProgram } from './cli/main.js';
export { ExitCode, UsageError, ExitWith } from './cli/exit-codes.js';
export type { CliIo } from './cli/io.js';
