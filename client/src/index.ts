// Public surface of @frontier/client: the typed client for Node scripts, `select()` for product
// builds, and the `frontier` CLI. The browser-safe part alone is `@frontier/client/browser`.
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
export { connect } from './api-client/connect.js';
export { openBackend, type BackendOptions } from './backend/open-backend.js';
export type { Backend } from './backend/backend.js';
export { select, DEFAULT_LOCK_FILE, type ConstraintMiss, type SelectOptions, type SelectResult } from './select/select-model.js';
export { readLockFile, type LockFile, type Prefer, type SelectConstraints } from './select/lock-file.js';
export { main, buildProgram } from './cli/main.js';
export { ExitCode, UsageError, ExitWith } from './cli/exit-codes.js';
export type { CliIo } from './cli/io.js';
