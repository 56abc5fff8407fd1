import type { Command } from 'commander';
import type { Backend } from '../backend/backend.js';
import { openBackend } from '../backend/open-backend.js';
import { UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';

/** `--api` and `--data-dir`, shared by every command that reads or writes the store. */
export interface BackendCliOptions {
  api?: string;
  dataDir?: string;
}

/** Adds `--api URL` and `--data-dir DIR` to a command. */
export function addBackendOptions(command: Command): Command {
  return command
    .option('--api <url>', 'work against this server instead of the embedded store (default: $FRONTIER_API; token in $FRONTIER_TOKEN)')
    .option('--data-dir <dir>', 'the embedded store\'s data folder (default: $FRONTIER_DATA or ./.frontier)');
}

/** Opens the backend the options name, runs `work` on it, and closes it. */
export async function withBackend<T>(io: CliIo, o: BackendCliOptions, work: (backend: Backend) => Promise<T>): Promise<T> {
  if (o.api !== undefined && o.dataDir !== undefined) throw new UsageError('give --api (a server) or --data-dir (the embedded store), not both');
  const backend = await openBackend({ api: o.api, dataDir: o.dataDir, onReconnecting: (n) => io.err(`connection to the server lost: reconnecting (attempt ${n})`) });
  try {
    return await work(backend);
  } finally {
    await backend.close();
  }
}
