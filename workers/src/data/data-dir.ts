import { resolve } from 'node:path';

/**
 * Frontier's data folder: `FRONTIER_DATA` when set, else `./.frontier`, resolved against the
 * working directory. Library functions never call this themselves; entry points (CLI, server,
 * benchmarks) call it once and pass the folder down, so every file a function touches is visible
 * in its arguments.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['FRONTIER_DATA'];
  return resolve(fromEnv !== undefined && fromEnv !== '' ? fromEnv : '.frontier');
}
