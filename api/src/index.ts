export { startServer, isLoopback, type RunningServer, type ServerOptions } from './start-server.js';
export { parseTokens, authenticate, MIN_TOKEN_LENGTH, type Caller, type TokenTable } from './tokens.js';
export { DEFAULT_LIMITS, type Limits } from './limits.js';
export { ApiError, type ApiErrorCode } from './api-error.js';
export { WS_CLOSE } from './ws-server.js';
export type { EnginePlatform } from './engine-platform.js';
export { createLoaders } from './loaders.js';
