import { connect } from '../api-client/connect.js';
import type { FrontierClient, FrontierClientOptions } from '../api-client/frontier-client.js';
import type { Backend } from './backend.js';

/** The remote backend: a Frontier server over HTTP and graphql-ws; `client` also follows runs live. */
export interface RemoteBackend extends Backend {
  readonly kind: 'remote';
  readonly client: FrontierClient;
}

export function openRemoteBackend(options: Omit<FrontierClientOptions, 'webSocketImpl'>): RemoteBackend {
  const client = connect(options);
  return {
    kind: 'remote',
    location: client.url,
    client,
    request: (document, variables) => client.request(document, variables),
    addModel: (input) => client.uploadModel(input),
    artifact: (sha256) => client.downloadArtifact(sha256),
    close: () => client.close(),
  };
}
