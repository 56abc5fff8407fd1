import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every module specifier the compiled file imports (static imports and re-exports). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)';/gms)].map((m) => m[1]!);
}

describe('@frontier/client/browser', () => {
  it('imports no Node module, directly or through its own files', () => {
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) visit(join(dirname(file), spec));
        else external.add(spec);
      }
    };
    visit(fileURLToPath(new URL('./browser.js', import.meta.url)));
    assert.ok(seen.size > 3, `followed the entry's own files (${seen.size})`);
    assert.deepEqual([...external].sort(), ['gql.tada', 'graphql', 'graphql-ws']);
  });
});
