// Public surface of @frontier/search: what the layers above use. The store contract suite and its
// fixtures are `@frontier/search/testing`.

// --- store: the store port, its SQLite and MongoDB adapters ---
export type { Store } from './store/store.js';
export { StoreError, isStoreError, type StoreErrorCode } from './store/store-error.js';
export { openStore, storeLocation, type OpenStoreOptions, type StoreLocation } from './store/open-store.js';
export { openSqliteStore, sqliteDatabasePath, type SqliteStoreOptions } from './store/sqlite/sqlite-store.js';
export { openMongoStore, type MongoStoreOptions } from './store/mongo/open-mongo-store.js';
export { newId } from './store/new-id.js';
export { sha256Hex } from './store/artifact-files.js';
export {
  candidateStatuses,
  runStatuses,
  type ArtifactRef,
  type Budget,
  type Candidate,
  type CandidateEstimates,
  type CandidateMetrics,
  type CandidateResult,
  type CandidateStatus,
  type CandidateTransition,
  type DedupKey,
  type Device,
  type Front,
  type FrontKey,
  type FrontReplacement,
  type Json,
  type JsonInput,
  type JsonObject,
  type LatencySource,
  type DatasetRecord,
  type Model,
  type NewCandidate,
  type NewDevice,
  type NewDatasetRecord,
  type NewModel,
  type NewRun,
  type Provenance,
  type RequeueReport,
  type Run,
  type RunFilter,
  type RunProgress,
  type RunStatus,
  type RunUpdate,
} from './store/types.js';

// --- search algorithms: recipes, space, objectives, Pareto maths, samplers, tabular benchmarks ---
export { SearchError, type SearchErrorCode } from './errors.js';
// The recipe is defined once, in @frontier/workers (which owns the kernels); re-exported here for
// the layers above, which see recipes as part of candidates and runs.
export {
  TECHNIQUES,
  WEIGHT_BITS,
  canonicalRecipe,
  parseRecipe,
  recipeHash,
  recipeKey,
  type DistillRecipe,
  type LowRankRecipe,
  type PruneRecipe,
  type QuantRecipe,
  type Recipe,
  type Technique,
  type WeightBits,
} from '@frontier/workers';
export { defineSpace } from './space/define-space.js';
export { SearchSpace } from './space/search-space.js';

export type {
  Choice,
  DistillSpace,
  LowRankSpace,
  ParamSpec,
  PruneSpace,
  QuantSpace,
  RangeSpec,
  SpaceSpec,
} from './space/space-spec.js';
export {
  METRICS,
  constraintMisses,
  constraintViolation,
  metricDirection,
  parseConstraints,
  parseObjectives,
  writeMinimised,
  type ConstraintMiss,
  type Constraints,
  type Metric,
  type TrialMetrics,
} from './objectives/objectives.js';
export { dominates, constrainedDominates } from './pareto/dominance.js';
export { nonDominatedRank, paretoFront } from './pareto/non-dominated-rank.js';
export { crowdingDistance } from './pareto/crowding-distance.js';
export { hypervolume } from './pareto/hypervolume.js';
export { hypervolumeContributions, greedyHypervolumeSubset } from './pareto/hypervolume-contributions.js';
export type { RecipeScreen, Sampler, SamplerContext, ScreenedRecipe, SearchHistory, Trial, TrialStatus } from './samplers/sampler.js';
export { createSampler, SAMPLER_KINDS, DEFAULT_SAMPLER_KIND, type SamplerConfig } from './samplers/create-sampler.js';
export { RandomSampler } from './samplers/random-sampler.js';
export { GridSampler } from './samplers/grid-sampler.js';
export { Nsga2Sampler, type Nsga2Options } from './samplers/nsga2/nsga2-sampler.js';
export { TpeSampler, type TpeOptions } from './samplers/tpe/tpe-sampler.js';
export { tableScreen } from './tabular/table-screen.js';
export { parseTable, TABLE_FORMAT, type TableFile, type TableRow, type TabularBenchmark } from './tabular/table.js';
export { formatTable } from './tabular/format-table.js';
export { benchmarkProblem, FrontTracker, REFERENCE, trueFront, type BenchmarkProblem, type TrueFront } from './tabular/front-tracker.js';
export { replay, evaluationsToReach } from './tabular/replay.js';
export { syntheticFashionCnnTable, SYNTHETIC_FASHION_CNN_SPACE } from './tabular/synthetic-fashion-cnn.js';
export { expectedAccuracy, costMetrics } from './tabular/synthetic-model.js';

// --- run engine ---
export { runEngine, type RunEngineOptions } from './engine/run-engine.js';
export { DispatchFailure, type Dispatcher, type DispatchFailureKind, type EvaluationOutcome } from './engine/dispatcher.js';
export { RunEvents, type RunEvent, type RunListener } from './engine/events.js';
export { screenViolations, type DeviceLimits, type PreScreen, type ScreenOptions } from './engine/screen.js';
export { FRONT_OBJECTIVES } from './engine/update-front.js';

export { LocalDispatcher, createCandidatePool, type LocalDispatcherOptions } from './engine/local-dispatcher.js';
export { BUILTIN_DATASET, resolveDataset, type NewDataset, type ResolvedDataset } from './engine/search-datasets.js';
export { SEARCH_DATASETS, SearchService, type DispatchContext, type NewSearch, type SearchDataset, type SearchServiceOptions } from './engine/search-service.js';
export { DEFAULT_SPACE } from './space/default-space.js';
export { frontOf, meetingConstraints } from './engine/run-front.js';
export { selectCandidate, type Preference, type SelectOptions, type Selection } from './select/select-candidate.js';
export { frontDigest, type FrontMemberRef } from './select/front-digest.js';

// --- queue: candidate evaluations on BullMQ (Redis) for `frontier worker` processes, run events over pub/sub ---
export { QueueDispatcher, type QueueDispatcherOptions } from './queue/queue-dispatcher.js';
export { queueDispatcherFor } from './queue/queue-dispatcher-for.js';
export { startQueueWorker, type QueueWorker, type QueueWorkerOptions } from './queue/queue-worker.js';
export { RedisRunEventBus } from './queue/redis-run-events.js';
export type { QueueTimings } from './queue/queue-settings.js';
