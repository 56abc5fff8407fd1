// Writes the synthetic table to the path given (default search/tables/synthetic-fashion-cnn.json):
//   node search/dist/scripts/write-synthetic-table.js [path]
// The checked-in file must equal what this writes; a test checks it.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { syntheticFashionCnnTable } from '../tabular/synthetic-fashion-cnn.js';
import { formatTable } from '../tabular/format-table.js';

const path = process.argv[2] ?? fileURLToPath(new URL('../../tables/synthetic-fashion-cnn.json', import.meta.url));
writeFileSync(path, formatTable(syntheticFashionCnnTable()));
console.log(`wrote ${path}`);
