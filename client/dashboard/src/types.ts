import type { ResultOf } from '../../src/graphql/graphql.js';
import type { CANDIDATE_FIELDS, RUN_FIELDS } from './documents.js';

export type DashboardRun = ResultOf<typeof RUN_FIELDS>;
export type DashboardCandidate = ResultOf<typeof CANDIDATE_FIELDS>;
