import type { TableFile } from './table.js';

/** A table as JSON text: the header indented, one row per line (diffs stay readable). */
export function formatTable(table: TableFile): string {
  const { rows, ...header } = table;
  const head = JSON.stringify(header, null, 2).replace(/\n}$/, '');
  return `${head},\n  "rows": [\n${rows.map((r) => `    ${JSON.stringify(r)}`).join(',\n')}\n  ]\n}\n`;
}
