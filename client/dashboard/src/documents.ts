// The dashboard's GraphQL operations, typed from the checked-in schema by gql.tada.
import { graphql } from '../../src/graphql/graphql.js';

export const RUN_FIELDS = graphql(`
  fragment DashboardRun on SearchRun @_unmask {
    id status dataset createdAt startedAt finishedAt elapsedMs error seed sampler objectives
    model { id name } device { id name }
    budget { evaluations seconds }
    constraints { maxLatencyMs maxRamKb maxFlashKb minAccuracy }
    progress { total pending running done failed infeasible reused }
  }
`);

export const CANDIDATE_FIELDS = graphql(`
  fragment DashboardCandidate on Candidate @_unmask {
    id seq status recipe accuracy peakRamBytes deployBytes modelBytes failure estimates
    latency { ms source }
  }
`);

export const RUNS = graphql(`
  query DashboardRuns {
    runs(first: 50) { totalCount edges { node { ...DashboardRun } } }
  }
`, [RUN_FIELDS]);

export const RUN = graphql(`
  query DashboardRun($id: ID!) {
    run(id: $id) {
      ...DashboardRun
      registeredDataset { id name shape imageCount classes { name } }
      front { version members { id } }
    }
  }
`, [RUN_FIELDS]);

/** A page of a run's candidates (100, the largest page the schema serves). */
export const RUN_CANDIDATES = graphql(`
  query DashboardRunCandidates($id: ID!, $after: String) {
    run(id: $id) {
      candidates(first: 100, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { node { ...DashboardCandidate } }
      }
    }
  }
`, [CANDIDATE_FIELDS]);

export const CANDIDATE = graphql(`
  query DashboardCandidatePage($id: ID!) {
    candidate(id: $id) {
      ...DashboardCandidate
      testAccuracy params nonzeroParams macs reusedFrom createdAt
      artifact { sha256 url }
      stages { stage summary seconds params nonzeroParams macs fileBytes deployBytes peakActivationBytes }
      run { id model { id name params macs baselineAccuracy } device { id name } }
    }
  }
`, [CANDIDATE_FIELDS]);

export const SEARCH_PROGRESS = graphql(`
  subscription DashboardProgress($runId: ID!) {
    searchProgress(runId: $runId) {
      kind
      run { ...DashboardRun }
      candidate { ...DashboardCandidate }
      front { version members { id } }
    }
  }
`, [RUN_FIELDS, CANDIDATE_FIELDS]);

export const FORM_CHOICES = graphql(`
  query DashboardFormChoices {
    models { id name params macs baselineAccuracy inputShape }
    devices { id name kind ramBytes storageBytes calibrated }
    datasets { id name shape imageCount classes { name } createdAt }
  }
`);

export const START_SEARCH = graphql(`
  mutation DashboardStartSearch($input: StartSearchInput!) {
    startSearch(input: $input) { id }
  }
`);

export const CANCEL_SEARCH = graphql(`
  mutation DashboardCancelSearch($runId: ID!) {
    cancelSearch(runId: $runId) { id status }
  }
`);
