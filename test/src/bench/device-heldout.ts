// MCU and Raspberry Pi part of the `devices` benchmark: each stack's cost model fitted to the
// published MLPerf Tiny results without the row it then predicts (../shared/data/
// mlperf-tiny-kws-vww.tsv, rows kept in workers' mlperf-tiny-results.ts), error per core and stack.
import { heldOutCheck, STACKS, type HeldOutResult } from '@frontier/workers';
import type { BenchRecord } from './record.js';

const pct = (v: number) => v * 100;

/** Goal of the issue: every MCU core within ±30 % on the held-out task. */
const MCU_LIMIT = 0.3;

function perCore(results: readonly HeldOutResult[]): Map<string, HeldOutResult[]> {
  const out = new Map<string, HeldOutResult[]>();
  for (const r of results) out.set(`${r.core} (${r.board})`, [...(out.get(`${r.core} (${r.board})`) ?? []), r]);
  return out;
}

/** Records of the held-out check of every stack with published results, both protocols. */
export function heldOutRecords(): BenchRecord[] {
  const records: BenchRecord[] = [];
  const notes = {
    'per-board': 'task held out on this board only: its speed fitted to its other task, the stack profile to the other boards',
    'per-task': 'task held out on every board at once: the profile from the other task and the prior alone',
  } as const;
  for (const protocol of ['per-board', 'per-task'] as const) {
    for (const stack of Object.keys(STACKS).filter((s) => s !== 'hale-1.0.175')) {
      for (const [core, rows] of perCore(heldOutCheck(stack, protocol))) {
        const worst = Math.max(...rows.map((r) => Math.abs(r.error)));
        const mcu = !core.startsWith('cortex-a');
        records.push({
          name: `mcu.heldout.${protocol}.${stack}.${core.split(' ')[0]}`,
          value: pct(worst),
          unit: '% max |error|',
          ...(mcu ? { against: { name: 'goal', value: pct(MCU_LIMIT), unit: '%' }, ratio: worst / MCU_LIMIT, ratioMeaning: 'error / ±30 % goal' } : {}),
          note: `${core}: ${rows.map((r) => `${r.task} ${r.predictedMs.toFixed(2)} ms predicted vs ${r.measuredMs} ms published (${r.error >= 0 ? '+' : ''}${pct(r.error).toFixed(1)}%)`).join('; ')}; ${notes[protocol]}`,
        });
      }
    }
  }
  return records;
}
