import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import { costRefusal } from './query-cost.js';

export interface OperationCheckOptions {
  readonly maxCost: number;
  /**
   * Where graphql-ws serves subscriptions (`ws://host:port/graphql`) for a request that reached the
   * server as `host` (its Host header, when it has a plain `name[:port]` one).
   */
  readonly subscriptionUrl: (host: string | undefined) => string;
}

/**
 * Checks of an HTTP GraphQL operation that need more than the document, made once Apollo has
 * picked the operation and before anything runs:
 * - a subscription is refused (400 BAD_REQUEST) with the WebSocket address that serves it.
 *   Apollo Server has no subscription transport of its own: left alone it runs a subscription
 *   like a query, calling the field's `resolve` on an empty root instead of its `subscribe`
 *   stream, and answers "Cannot return null for non-nullable field" as an internal error.
 * - the cost limit, with the request's variables (a page size may be a variable): 400
 *   GRAPHQL_VALIDATION_FAILED, as Apollo answers the depth and alias limits.
 * Apollo sends a `GraphQLError` thrown here as the response, with the status in `extensions.http`.
 */
export function operationChecks(o: OperationCheckOptions): ApolloServerPlugin<BaseContext> {
  return {
    requestDidStart: async () => ({
      didResolveOperation: async ({ operation, document, schema, request }) => {
        // No operation (an unknown operationName): execution refuses it with graphql-js's message.
        if (!operation) return;
        if (operation.operation === 'subscription') {
          throw new GraphQLError(
            `subscriptions are not served over HTTP: subscribe over WebSocket at ${o.subscriptionUrl(requestHost(request.http?.headers.get('host')))} with the graphql-ws protocol (subprotocol graphql-transport-ws); queries and mutations stay on HTTP POST`,
            { extensions: { code: ApolloServerErrorCode.BAD_REQUEST, http: { status: 400 } } },
          );
        }
        const refused = costRefusal({ schema, document, operation, variables: request.variables, maxCost: o.maxCost });
        if (refused) throw new GraphQLError(refused.message, { extensions: { ...refused.extensions, http: { status: 400 } } });
      },
    }),
  };
}

/** A Host header as the client sent it (`name`, `name:port`, `[v6]:port`), or undefined for anything else. */
function requestHost(header: string | undefined): string | undefined {
  return header !== undefined && /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/.test(header) ? header : undefined;
}
