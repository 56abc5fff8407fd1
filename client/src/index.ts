// Public surface of @frontier/client: the typed client for Node scripts, `select()` for product
// builds, and the `frontier` CLI. The browser-safe part alone is `@frontier/client/browser`.
// Everything the browser entry exports (each by name there) is part of this surface too.
export * from './browser.js';
export { connect } from './api-client/connect.js';
export { openBackend, type BackendOptions } from './backend/open-backend.js';
export type { Backend } from './backend/backend.js';
export { select, DEFAULT_LOCK_FILE, type ConstraintMiss, type SelectOptions, type SelectResult } from './select/select-model.js';
export { readLockFile, type LockFile, type Prefer, type SelectConstraints } from './select/lock-file.js';
export { main, buildProgram } from './cli/main.js';
export { ExitCode, UsageError, ExitWith } from './cli/exit-codes.js';
export type { CliIo } from './cli/io.js';
