// The TypeScript values behind each GraphQL object type (Nexus "source types"): what a parent
// resolver returns and a field resolver receives. Names match the GraphQL types.
import type { Candidate as StoreCandidate, Constraints as SearchConstraints, DatasetRecord, Device as StoreDevice, JsonObject, Model as StoreModel, Run } from '@frontier/search';
import type { HealthInfo } from './context.js';
import type { ConstraintMissView } from './constraints.js';
import type { Page } from './cursor.js';

export type Health = HealthInfo;
export type Device = StoreDevice;
export type Model = StoreModel;
export type Dataset = DatasetRecord;
export type DatasetClass = DatasetRecord['classes'][number];
export type DatasetSplits = JsonObject;
export type SearchRun = Run;
export type Candidate = StoreCandidate;
export type Constraints = SearchConstraints;
/** One stage of the compression report a candidate's provenance keeps. */
export type CompressionStage = NonNullable<NonNullable<StoreCandidate['provenance']>['stages']>[number];
export type ConstraintMiss = ConstraintMissView;
export type SearchRunConnection = Page<Run>;
export type CandidateConnection = Page<StoreCandidate>;

/** A front before its members are loaded: the stored ids, filtered by `constraints` when read. */
export interface Front {
  readonly version: number;
  readonly memberIds: readonly string[];
  readonly constraints: SearchConstraints;
}

export interface Selection {
  readonly candidate?: StoreCandidate;
  readonly nearest?: StoreCandidate;
  readonly unsatisfied: readonly ConstraintMissView[];
  /** The stored front the choice was made from. */
  readonly front: Front;
}

/** One event of `searchProgress`; `run` is loaded when asked for unless the event carries it. */
export interface SearchProgress {
  readonly kind: 'SNAPSHOT' | 'CANDIDATE' | 'FRONT' | 'STATUS';
  readonly runId: string;
  readonly run?: Run;
  readonly candidate?: StoreCandidate;
  readonly front?: Front;
}

export interface Artifact {
  readonly sha256: string;
}
