import { UsageError } from './exit-codes.js';

/**
 * The Redis of the queue: `--redis URL`, else `FRONTIER_REDIS_URL`, else none (the local pool).
 * A URL that is not `redis://` or `rediss://` is a usage error naming it.
 */
export function redisUrlOption(flag: string | undefined): string | undefined {
  const url = flag ?? process.env['FRONTIER_REDIS_URL'];
  if (url === undefined || url === '') return undefined;
  const source = flag !== undefined ? '--redis' : 'FRONTIER_REDIS_URL';
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new UsageError(`${source} must be a URL like redis://host:6379, got "${url}"`);
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw new UsageError(`${source} must start with redis:// or rediss://, got "${url}"`);
  return url;
}
