// The browser-safe part of @frontier/client (`@frontier/client/browser`): typed documents, the
// HTTP/graphql-ws client and the run follower — no Node module imported (give FrontierClient the
// page's WebSocket, the default).
export { graphql, type FragmentOf, type ResultOf, type VariablesOf } from './graphql/graphql.js';
export {
  CandidateFields,
  RunFields,
  ModelFields,
  ModelsQuery,
  ModelQuery,
  DevicesQuery,
  HealthQuery,
  RunsQuery,
  RunQuery,
  FrontQuery,
  SelectQuery,
  CandidateQuery,
  StartSearchMutation,
  CancelSearchMutation,
  RegisterDeviceMutation,
  SearchProgressSubscription,
  type CandidateView,
  type RunView,
  type ModelView,
  type ProgressEvent,
  type FrontView,
  type SelectionView,
} from './graphql/documents.js';
export { FrontierClient, type FrontierClientOptions, type RetryOptions, type UploadedModel } from './api-client/frontier-client.js';
export { FrontierClientError, isClientError, type ClientErrorCode } from './api-client/client-error.js';
export { watchRun, type RunState } from './api-client/watch-run.js';
