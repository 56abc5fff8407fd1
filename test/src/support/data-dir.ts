import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFashionMnistImages } from '@frontier/workers';

const shared = join(tmpdir(), 'frontier-test-datasets');

/**
 * A fresh, empty Frontier data folder (store and artifacts) whose dataset cache is already built:
 * the cache is made once per machine in a shared temp folder and copied in, so each end-to-end test
 * starts from a clean store without parsing the Fashion-MNIST JSON again.
 */
export function freshDataDir(prefix = 'frontier-e2e-'): string {
  loadFashionMnistImages({ dataDir: shared });
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'datasets'));
  for (const file of readdirSync(join(shared, 'datasets'))) {
    if (file.endsWith('.bin')) copyFileSync(join(shared, 'datasets', file), join(dir, 'datasets', file));
  }
  return dir;
}
