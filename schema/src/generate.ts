// `npm run generate -w schema`: writes schema/schema.graphql and src/generated/nexus-typegen.ts
// from the Nexus definitions. Both are checked in; make-schema.test.ts fails when they are stale.
import { writeFileSync } from 'node:fs';
import { ARTIFACT_PATHS, generateArtifacts } from './make-schema.js';

const artifacts = await generateArtifacts();
writeFileSync(ARTIFACT_PATHS.schema, artifacts.schema);
writeFileSync(ARTIFACT_PATHS.typegen, artifacts.typegen);
console.log(`wrote ${ARTIFACT_PATHS.schema}\nwrote ${ARTIFACT_PATHS.typegen}`);
