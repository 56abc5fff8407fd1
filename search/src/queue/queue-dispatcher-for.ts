import type { DispatchContext } from '../engine/search-service.js';
import { QueueDispatcher, type QueueDispatcherOptions } from './queue-dispatcher.js';

/**
 * The `dispatcherFor` of a `SearchService` whose runs go to the queue in `redisUrl` instead of the
 * local pool (`frontier search --redis`, `frontier serve --redis`). Job ids are scoped by run.
 */
export function queueDispatcherFor(
  redisUrl: string,
  options: Omit<QueueDispatcherOptions, 'redisUrl' | 'model' | 'dataset' | 'device' | 'scope'> = {},
): (context: DispatchContext) => Promise<QueueDispatcher> {
  return (c) => QueueDispatcher.open({ ...options, redisUrl, model: c.model, dataset: c.dataset, device: c.device, scope: c.runId });
}
