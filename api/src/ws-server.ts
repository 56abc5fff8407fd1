import type { Server } from 'node:http';
import { GraphQLError, getOperationAST, specifiedRules, validate, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SchemaContext } from '@frontier/schema';
import { formatError } from './format-error.js';
import { limitRules, parseWithTokenLimit, type Limits } from './limits.js';
import { costRefusal } from './query-cost.js';
import { authenticate, type Caller, type TokenTable } from './tokens.js';

export interface WsOptions {
  readonly httpServer: Server;
  readonly schema: GraphQLSchema;
  readonly limits: Limits;
  readonly tokens: TokenTable | undefined;
  /** The context of one operation, for an authenticated caller. */
  readonly context: (caller: Caller) => SchemaContext;
  readonly log: (line: string) => void;
}

/** Close codes this server uses beyond graphql-ws's own. */
export const WS_CLOSE = { unauthenticated: 4401, tooManyConnections: 4403, tooSlow: 1008, goingAway: 1001 } as const;

/**
 * graphql-ws on `/graphql` of the HTTP server: the token from `connectionParams.authorization`,
 * connections per token capped, the same parse/validation limits as HTTP, and a subscriber whose
 * socket falls `sendBufferBytes` behind closed instead of buffering without end.
 */
export function startWsServer(o: WsOptions): { readonly wss: WebSocketServer; close(): Promise<void> } {
  const wss = new WebSocketServer({ server: o.httpServer, path: '/graphql', maxPayload: o.limits.bodyBytes });
  const callers = new WeakMap<WebSocket, Caller>();
  const open = new Map<string, number>();
  const rules = [...specifiedRules, ...limitRules(o.limits)];
  const disposable = useServer(
    {
      schema: o.schema,
      onConnect: (ctx) => {
        const socket = ctx.extra.socket;
        let caller: Caller;
        try {
          caller = authenticate(ctx.connectionParams?.['authorization'], o.tokens);
        } catch (err) {
          socket.close(WS_CLOSE.unauthenticated, err instanceof Error ? err.message : 'unauthenticated');
          return false;
        }
        const count = open.get(caller.key) ?? 0;
        if (count >= o.limits.connectionsPerToken) {
          socket.close(WS_CLOSE.tooManyConnections, `too many connections for this token (limit ${o.limits.connectionsPerToken})`);
          return false;
        }
        open.set(caller.key, count + 1);
        callers.set(socket, caller);
        return true;
      },
      onClose: (ctx) => {
        const caller = callers.get(ctx.extra.socket);
        if (!caller) return;
        callers.delete(ctx.extra.socket);
        const left = (open.get(caller.key) ?? 1) - 1;
        if (left > 0) open.set(caller.key, left);
        else open.delete(caller.key);
      },
      onSubscribe: (ctx, _id, payload) => {
        const caller = callers.get(ctx.extra.socket)!;
        let document;
        try {
          document = parseWithTokenLimit(payload.query, o.limits.maxTokens);
        } catch (err) {
          return [err instanceof GraphQLError ? err : new GraphQLError('could not parse the query')];
        }
        const errors = validate(o.schema, document, rules);
        if (errors.length > 0) return errors;
        // No operation by that name: graphql-ws's execution refuses it with graphql-js's message.
        const operation = getOperationAST(document, payload.operationName);
        const refused = operation && costRefusal({ schema: o.schema, document, operation, variables: payload.variables, maxCost: o.limits.maxCost });
        if (refused) return [refused];
        return {
          schema: o.schema,
          document,
          variableValues: payload.variables ?? null,
          operationName: payload.operationName ?? null,
          contextValue: o.context(caller),
        };
      },
      onNext: (ctx, _id, _payload, _args, result) => {
        const socket = ctx.extra.socket;
        if (socket.bufferedAmount > o.limits.sendBufferBytes) {
          o.log(`closing a subscriber ${socket.bufferedAmount} bytes behind (limit ${o.limits.sendBufferBytes})`);
          socket.close(WS_CLOSE.tooSlow, `subscriber too slow: more than ${o.limits.sendBufferBytes} bytes unsent`);
          setTimeout(() => socket.terminate(), 1000).unref();
          return;
        }
        if (!result.errors) return;
        return { ...result, errors: result.errors.map((e): GraphQLFormattedError => formatError(e.toJSON(), e, o.log)) };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e, o.log)) as unknown as readonly GraphQLError[],
    },
    wss,
  );
  return {
    wss,
    close: async () => {
      for (const client of wss.clients) client.close(WS_CLOSE.goingAway, 'server shutting down');
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
