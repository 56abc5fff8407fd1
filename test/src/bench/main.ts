// `npm run bench [-- SECTION...]`: runs the benchmark sections, prints a table per section and
// writes bench-results/SECTION.json (FRONTIER_BENCH_OUT overrides the folder).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { machineFacts } from './machine.js';
import type { BenchRecord, BenchSection } from './record.js';
import { SECTIONS } from './sections.js';

function format(r: BenchRecord): string[] {
  const num = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));
  return [
    r.name,
    `${num(r.value)} ${r.unit}`,
    r.against ? `${r.against.name}: ${num(r.against.value)} ${r.against.unit}` : '',
    r.ratio !== undefined ? `${num(r.ratio)}${r.ratioMeaning ? ` (${r.ratioMeaning})` : ''}` : '',
    r.note ?? '',
  ];
}

function printTable(section: BenchSection, records: readonly BenchRecord[]): void {
  const rows = [['figure', 'value', 'against', 'ratio', 'note'], ...records.map(format)];
  const widths = rows[0]!.map((_, c) => Math.min(60, Math.max(...rows.map((r) => r[c]!.length))));
  console.log(`\n## ${section.name} — ${section.description}`);
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
  if (unknown.length > 0) {
    console.error(`unknown section(s): ${unknown.join(', ')}; known: ${SECTIONS.map((s) => s.name).join(', ')}`);
    process.exit(2);
  }
  const chosen = wanted.length > 0 ? SECTIONS.filter((s) => wanted.includes(s.name)) : SECTIONS;
  const outDir = resolve(process.env['FRONTIER_BENCH_OUT'] ?? 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const machine = machineFacts();
  console.log(`machine: ${machine.cpuModel}, ${machine.cores} cores, flags ${machine.cpuFlags.join(' ')}`);
  for (const section of chosen) {
    const started = performance.now();
    const records = await section.run();
    const seconds = (performance.now() - started) / 1000;
    printTable(section, records);
    const file = join(outDir, `${section.name}.json`);
    writeFileSync(file, JSON.stringify({ section: section.name, machine, seconds, records }, null, 2) + '\n');
    console.log(`→ ${file} (${seconds.toFixed(1)} s)`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
