// The GraphQL operations of the client and the CLI, typed from the checked-in schema (gql.tada).
// Browser-safe: no Node module is imported here, so the dashboard may reuse these documents.
import { graphql, type ResultOf } from './graphql.js';

export const CandidateFields = graphql(`
  fragment CandidateFields on Candidate {
    id status seq recipe accuracy testAccuracy
    latency { ms source uncertainty }
    peakRamBytes deployBytes modelBytes params nonzeroParams macs
    artifact { sha256 }
    failure reusedFrom createdAt
    run { id }
  }
`);

export const RunFields = graphql(`
  fragment RunFields on SearchRun {
    id status dataset objectives seed sampler elapsedMs error createdAt startedAt finishedAt
    model { id name sha256 }
    device { id name }
    constraints { maxLatencyMs maxRamKb maxFlashKb minAccuracy }
    budget { evaluations seconds }
    progress { total pending running done failed infeasible reused }
  }
`);

export const ModelFields = graphql(`
  fragment ModelFields on Model {
    id name sha256 inputShape classes params macs baselineAccuracy baselineDataset createdAt
  }
`);

export const ModelsQuery = graphql(`query Models { models { ...ModelFields } }`, [ModelFields]);
export const ModelQuery = graphql(`query Model($id: ID!) { model(id: $id) { ...ModelFields } }`, [ModelFields]);
export const DevicesQuery = graphql(`query Devices { devices { id name kind ramBytes storageBytes } }`);
export const HealthQuery = graphql(`query Health { health { ok version store poolThreads runsActive } }`);

export const RunsQuery = graphql(`
  query Runs($first: Int, $after: String, $status: RunStatus) {
    runs(first: $first, after: $after, status: $status) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { ...RunFields } }
    }
  }
`, [RunFields]);

export const RunQuery = graphql(`
  query Run($id: ID!) {
    run(id: $id) {
      ...RunFields
      front { version digest members { ...CandidateFields } }
    }
  }
`, [RunFields, CandidateFields]);

export const FrontQuery = graphql(`
  query Front($modelId: ID!, $deviceId: ID!, $constraints: ConstraintsInput, $dataset: String) {
    paretoFront(modelId: $modelId, deviceId: $deviceId, constraints: $constraints, dataset: $dataset) {
      version digest members { ...CandidateFields }
    }
  }
`, [CandidateFields]);

export const SelectQuery = graphql(`
  query Select($modelId: ID!, $deviceId: ID!, $constraints: ConstraintsInput, $prefer: Preference, $dataset: String) {
    select(modelId: $modelId, deviceId: $deviceId, constraints: $constraints, prefer: $prefer, dataset: $dataset) {
      candidate { ...CandidateFields }
      nearest { ...CandidateFields }
      unsatisfied { constraint limit value excess relative }
      front { version digest }
    }
  }
`, [CandidateFields]);

export const CandidateQuery = graphql(`query Candidate($id: ID!) { candidate(id: $id) { ...CandidateFields } }`, [CandidateFields]);

export const StartSearchMutation = graphql(`
  mutation StartSearch($input: StartSearchInput!) { startSearch(input: $input) { ...RunFields } }
`, [RunFields]);

export const CancelSearchMutation = graphql(`
  mutation CancelSearch($runId: ID!) { cancelSearch(runId: $runId) { ...RunFields } }
`, [RunFields]);

export const RegisterDeviceMutation = graphql(`
  mutation RegisterDevice($spec: JSON!) { registerDevice(spec: $spec) { id name } }
`);

export const SearchProgressSubscription = graphql(`
  subscription SearchProgress($runId: ID!) {
    searchProgress(runId: $runId) {
      kind
      run { ...RunFields }
      candidate { ...CandidateFields }
      front { version digest members { ...CandidateFields } }
    }
  }
`, [RunFields, CandidateFields]);

/** A candidate as the API returns it (flat metrics; null until DONE). */
export type CandidateView = ResultOf<typeof CandidateFields>;
/** A run as the API returns it. */
export type RunView = ResultOf<typeof RunFields>;
/** A registered model as the API returns it. */
export type ModelView = ResultOf<typeof ModelFields>;
/** One `searchProgress` event. */
export type ProgressEvent = ResultOf<typeof SearchProgressSubscription>['searchProgress'];
/** The stored front of a run or of a (model, device) query: version, digest, members. */
export type FrontView = ResultOf<typeof FrontQuery>['paretoFront'];
/** The outcome of a `select` query. */
export type SelectionView = ResultOf<typeof SelectQuery>['select'];
