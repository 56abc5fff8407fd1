import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../backend/backend.js';
import type { CandidateView } from '../graphql/documents.js';

/** Writes each candidate's model (verified against its sha256) into `dir` as `front-<n>-<sha256 prefix>.onnx`. */
export async function exportArtifacts(backend: Backend, members: readonly CandidateView[], dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (const [i, c] of members.entries()) {
    const sha256 = c.artifact?.sha256;
    if (!sha256) continue;
    const path = join(dir, `front-${i + 1}-${sha256.slice(0, 12)}.onnx`);
    writeFileSync(path, await backend.artifact(sha256));
    paths.push(path);
  }
  return paths;
}
