import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const clientDir = fileURLToPath(new URL('../../', import.meta.url));

describe('the generated GraphQL introspection types', () => {
  it('match schema/schema.graphql (run `npm run generate -w client` when this fails)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontier-introspection-'));
    try {
      const fresh = join(dir, 'introspection.d.ts');
      // gql.tada's own CLI, as `npm run generate -w client` runs it, reading the schema named in tsconfig.json.
      const cli = join(dirname(createRequire(join(clientDir, 'package.json')).resolve('gql.tada/package.json')), 'bin/cli.js');
      const r = spawnSync(process.execPath, [cli, 'generate', 'output', '--output', fresh], { cwd: clientDir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.equal(readFileSync(join(clientDir, 'src/graphql/introspection.d.ts'), 'utf8'), readFileSync(fresh, 'utf8'), 'client/src/graphql/introspection.d.ts is stale');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
