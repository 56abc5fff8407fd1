export { buildSchema, generateArtifacts, ARTIFACT_PATHS } from './make-schema.js';
export type { EntityLoader, HealthInfo, Loaders, Platform, SchemaContext, Scope, StartSearch } from './context.js';
export { publicCode, publicError, requireWrite, type PublicErrorCode } from './errors.js';
export { progressStream, MAX_QUEUED_EVENTS } from './progress-stream.js';
export { DEFAULT_PAGE, MAX_PAGE } from './cursor.js';
