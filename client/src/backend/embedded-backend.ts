import { execute, GraphQLError, validate, type GraphQLSchema } from 'graphql';
import { createLoaders } from '@frontier/api';
import { buildSchema, publicCode } from '@frontier/schema';
import { isStoreError, openStore, SearchService } from '@frontier/search';
import { FrontierClientError, type ClientErrorCode } from '../api-client/client-error.js';
import type { Backend } from './backend.js';
import { EmbeddedPlatform } from './embedded-platform.js';

let schema: GraphQLSchema | undefined;

/**
 * The embedded backend: the store in `dataDir` (SQLite; MongoDB when `MONGODB_URI` is set), with the
 * GraphQL documents executed against Frontier's schema in this process — the answers are the
 * server's, field for field, without a server.
 */
export async function openEmbeddedBackend(options: { readonly dataDir: string }): Promise<Backend> {
  const store = await openStore({ dataDir: options.dataDir });
  const service = new SearchService({ store, dataDir: options.dataDir });
  const platform = new EmbeddedPlatform(store, service);
  schema ??= buildSchema();
  const s = schema;
  return {
    kind: 'embedded',
    location: options.dataDir,
    async request(document, variables) {
      const errors = validate(s, document);
      if (errors.length > 0) throw new FrontierClientError('BAD_USER_INPUT', errors[0]!.message);
      const result = await execute({
        schema: s,
        document: document,
        variableValues: variables as Record<string, unknown>,
        // One request, one set of caching loaders, as the server gives each HTTP request. There is no
        // server to download from: `Artifact.url` is a relative `artifacts/<sha256>`, and the CLI reads
        // artifacts through `artifact()`.
        contextValue: { store, platform, loaders: createLoaders(store), scope: 'write', artifactBaseUrl: 'artifacts' },
      });
      if (result.errors?.[0]) throw clientError(result.errors[0]);
      return result.data as never;
    },
    async addModel(input) {
      try {
        return await service.registerModel(input);
      } catch (err) {
        throw asClientError(err);
      }
    },
    async artifact(sha256) {
      try {
        return await store.getArtifact(sha256);
      } catch (err) {
        if (isStoreError(err, 'NOT_FOUND')) throw new FrontierClientError('NOT_FOUND', `no artifact ${sha256} in ${options.dataDir}`);
        if (isStoreError(err, 'CORRUPT')) throw new FrontierClientError('INTEGRITY', `artifact ${sha256} in ${options.dataDir}: its bytes changed (${err.message})`);
        throw err;
      }
    },
    close: () => store.close(),
  };
}

/** A resolver's error as the server would report it; an unexpected one is rethrown as it is (it is the user's own process). */
function clientError(error: GraphQLError): Error {
  let original: unknown = error;
  while (original instanceof GraphQLError && original.originalError) original = original.originalError;
  if (original instanceof GraphQLError) {
    const code = original.extensions['code'];
    return new FrontierClientError(typeof code === 'string' ? (code as ClientErrorCode) : 'BAD_USER_INPUT', original.message);
  }
  return asClientError(original);
}

function asClientError(err: unknown): Error {
  const mapped = publicCode(err);
  if (mapped.code === 'INTERNAL_SERVER_ERROR') return err instanceof Error ? err : new Error(String(err));
  return new FrontierClientError(mapped.code, mapped.message ?? String(err));
}
