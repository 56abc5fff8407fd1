import { fileURLToPath } from 'node:url';
import type { GraphQLSchema } from 'graphql';
import { core, makeSchema } from 'nexus';
import { Candidate, CandidateConnection, CandidateEdge, CompressionStage, Latency } from './types/candidate.js';
import { Dataset, DatasetClass, DatasetSplits, RegisterDatasetInput, SplitFractionsInput } from './types/dataset.js';
import { Artifact, Device, Health, Model } from './types/device-model.js';
import { CandidateStatusEnum, LatencySourceEnum, PreferenceEnum, ProgressKindEnum, RunStatusEnum } from './types/enums.js';
import { ConstraintMiss, Front, Selection } from './types/front.js';
import { BudgetInput, ConstraintsInput, StartSearchInput } from './types/inputs.js';
import { JsonScalar } from './types/json-scalar.js';
import { Mutation } from './types/mutation.js';
import { Query } from './types/query.js';
import { Budget, Constraints, PageInfo, RunProgress, SearchRun, SearchRunConnection, SearchRunEdge } from './types/run.js';
import { SearchProgress, Subscription } from './types/subscription.js';

const TYPES = [
  JsonScalar, RunStatusEnum, CandidateStatusEnum, LatencySourceEnum, PreferenceEnum, ProgressKindEnum,
  ConstraintsInput, BudgetInput, StartSearchInput, SplitFractionsInput, RegisterDatasetInput,
  Health, Device, Artifact, Model, DatasetClass, DatasetSplits, Dataset, RunProgress, Budget, Constraints, SearchRun, PageInfo, SearchRunEdge, SearchRunConnection,
  Latency, CompressionStage, Candidate, CandidateEdge, CandidateConnection, Front, ConstraintMiss, Selection, SearchProgress,
  Query, Mutation, Subscription,
];

/** Frontier's GraphQL schema, built from the Nexus definitions (no files written). */
export function buildSchema(): GraphQLSchema {
  return makeSchema({ types: TYPES, shouldGenerateArtifacts: false, shouldExitAfterGenerateArtifacts: false });
}

/** Where the checked-in artifacts live: `schema/schema.graphql` and `schema/src/generated/nexus-typegen.ts`. */
export const ARTIFACT_PATHS = {
  schema: fileURLToPath(new URL('../schema.graphql', import.meta.url)),
  typegen: fileURLToPath(new URL('../src/generated/nexus-typegen.ts', import.meta.url)),
};

/** The SDL and the TypeScript types the schema generates, as text (compared with the checked-in files). */
export async function generateArtifacts(): Promise<{ readonly schema: string; readonly typegen: string }> {
  const src = (file: string) => fileURLToPath(new URL(`../src/${file}`, import.meta.url));
  const config: core.SchemaConfig = {
    types: TYPES,
    shouldExitAfterGenerateArtifacts: false,
    contextType: { module: src('context.ts'), export: 'SchemaContext' },
    sourceTypes: { modules: [{ module: src('source-types.ts'), alias: 'src' }] },
  };
  const out = await core.generateSchema.withArtifacts(config, ARTIFACT_PATHS.typegen);
  return { schema: `${out.schemaTypes.trimEnd()}\n`, typegen: withExtensions(out.tsTypes) };
}

/** Nexus writes extension-less relative imports; NodeNext module resolution needs `.js`. */
function withExtensions(ts: string): string {
  return ts.replace(/from "(\.\.?\/[^"]+?)"/g, (_m, path: string) => `from "${path}.js"`);
}
