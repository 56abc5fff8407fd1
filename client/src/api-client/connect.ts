import WebSocket from 'ws';
import { FrontierClient, type FrontierClientOptions } from './frontier-client.js';

/** A {@link FrontierClient} for Node: subscriptions over the `ws` package (Node 20 has no global WebSocket). */
export function connect(options: Omit<FrontierClientOptions, 'webSocketImpl'>): FrontierClient {
  return new FrontierClient({ ...options, webSocketImpl: WebSocket });
}
