import { defaultDataDir } from '@frontier/workers';
import { FrontierClientError } from '../api-client/client-error.js';
import type { Backend } from './backend.js';
import { openEmbeddedBackend } from './embedded-backend.js';
import { openRemoteBackend } from './remote-backend.js';

/** Where to work: a server or the embedded store. */
export interface BackendOptions {
  /** A server URL; default `FRONTIER_API`. */
  readonly api?: string | undefined;
  /** The server's token; default `FRONTIER_TOKEN`. */
  readonly token?: string | undefined;
  /** The embedded data folder; default `FRONTIER_DATA` or `./.frontier`. */
  readonly dataDir?: string | undefined;
  /** Told about each reconnection attempt of a subscription. */
  readonly onReconnecting?: (attempt: number) => void;
}

/**
 * Opens the backend the options (and environment) name: `api`, else `dataDir`, else
 * `FRONTIER_API`, else the embedded default. Giving both `api` and `dataDir` is an error.
 */
export async function openBackend(options: BackendOptions = {}): Promise<Backend> {
  if (options.api !== undefined && options.dataDir !== undefined) {
    throw new FrontierClientError('BAD_USER_INPUT', `give a server (${options.api}) or a data folder (${options.dataDir}), not both`);
  }
  const api = options.api ?? (options.dataDir === undefined ? nonEmpty(process.env['FRONTIER_API']) : undefined);
  if (api !== undefined) {
    const token = options.token ?? nonEmpty(process.env['FRONTIER_TOKEN']);
    return openRemoteBackend({ url: api, token, ...(options.onReconnecting ? { onReconnecting: options.onReconnecting } : {}) });
  }
  return openEmbeddedBackend({ dataDir: options.dataDir ?? defaultDataDir() });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
