import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { ARTIFACT_PATHS, buildSchema, generateArtifacts } from './make-schema.js';

describe('the generated schema artifacts', () => {
  it('match the checked-in schema.graphql and nexus-typegen.ts (run `npm run generate -w schema` when this fails)', async () => {
    const fresh = await generateArtifacts();
    assert.equal(readFileSync(ARTIFACT_PATHS.schema, 'utf8'), fresh.schema, 'schema/schema.graphql is stale');
    assert.equal(readFileSync(ARTIFACT_PATHS.typegen, 'utf8'), fresh.typegen, 'schema/src/generated/nexus-typegen.ts is stale');
  });

  it('keeps the contract names of the API', () => {
    const sdl = printSchema(buildSchema());
    for (const field of [
      'health: Health!', 'devices: [Device!]!', 'device(id: ID!): Device', 'models: [Model!]!', 'model(id: ID!): Model',
      'runs(first: Int, after: String, status: RunStatus): SearchRunConnection!', 'run(id: ID!): SearchRun', 'candidate(id: ID!): Candidate',
      'registerDevice(spec: JSON!): Device!', 'startSearch(input: StartSearchInput!): SearchRun!', 'cancelSearch(runId: ID!): SearchRun!',
      'searchProgress(runId: ID!): SearchProgress!',
    ]) {
      assert.ok(sdl.includes(field), `schema has ${field}`);
    }
    assert.match(sdl, /paretoFront\(modelId: ID!, deviceId: ID!, constraints: ConstraintsInput[^)]*\): Front!/);
    assert.match(sdl, /select\(modelId: ID!, deviceId: ID!, constraints: ConstraintsInput, prefer: Preference[^)]*\): Selection!/);
    assert.match(sdl, /enum ProgressKind \{\s+SNAPSHOT\s+CANDIDATE\s+FRONT\s+STATUS\s+\}/);
  });
});
