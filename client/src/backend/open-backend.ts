import { defaultDataDir } from '@frontier/workers';
import { FrontierClientError } from '../api-client/client-error.js';
import type { Backend } from './backend.js';
import { openEmbeddedBackend } from './embedded-backend.js';
import { openRemoteBackend } from './remote-backend.js';

/** Where to work: a server (`api`, else `FRONTIER_API`) or the embedded store (`dataDir`, else `FRONTIER_DATA`, else `./.frontier`). */
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

/** Opens the backend the options (and environment) name; giving both a server and a data folder is an error. */
export async function openBackend(options: BackendOptions = {}): Promise<Backend> {
  const api = options.api ?? nonEmpty(process.env['FRONTIER_API']);
  if (api !== undefined) {
    if (options.dataDir !== undefined) {
      throw new FrontierClientError('BAD_USER_INPUT', `give a server (${options.api !== undefined ? '--api' : 'FRONTIER_API'} ${api}) or a data folder (${options.dataDir}), not both`);
    }
    const token = options.token ?? nonEmpty(process.env['FRONTIER_TOKEN']);
    return openRemoteBackend({ url: api, token, ...(options.onReconnecting ? { onReconnecting: options.onReconnecting } : {}) });
  }
  return openEmbeddedBackend({ dataDir: options.dataDir ?? defaultDataDir() });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
