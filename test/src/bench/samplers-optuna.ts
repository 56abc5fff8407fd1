// The Optuna peer of the `samplers` section: runs test/bench-py/optuna_table.py (Optuna's NSGA-II
// and TPE on the same table, same objectives and constraints) when Debian's python3-optuna is
// installed, and turns the rows it visited into hypervolume traces with Frontier's own tracker.
// Python is a peer only, never a dependency: without it the peer is skipped with a note.
import { spawnSync } from 'node:child_process';
import { findPython } from './python.js';
import { fileURLToPath } from 'node:url';
import { FrontTracker, type BenchmarkProblem, type TabularBenchmark, type TrueFront } from '@frontier/search';

const SCRIPT = fileURLToPath(new URL('../../bench-py/optuna_table.py', import.meta.url));
const OPTUNA_SAMPLERS = ['nsga2', 'tpe', 'tpe-multivariate'] as const;

export interface PeerRun {
  /** Why the peer did not run, when it did not. */
  readonly skipped?: string;
  readonly version: string;
  readonly samplers: readonly {
    readonly name: string;
    /** Per seed: the found fraction of the true hypervolume after each distinct evaluated recipe. */
    readonly fractions: number[][];
    /** Per seed: proposals of a recipe already evaluated (not counted as evaluations). */
    readonly duplicates: number[];
  }[];
}

export interface OptunaPeerOptions {
  readonly tablePath: string;
  readonly table: TabularBenchmark;
  readonly problem: BenchmarkProblem;
  readonly truth: TrueFront;
  readonly seeds: number;
  /** Trials per run at most (repeats included). */
  readonly maxTrials: number;
}

interface ScriptOutput {
  readonly version: string;
  readonly runs: Record<string, { readonly seed: number; readonly rows: number[] }[]>;
}


export function optunaPeer(options: OptunaPeerOptions): PeerRun {
  const python = findPython('optuna');
  if (!python) return { skipped: 'no python3 with optuna (Debian: apt-get install python3-optuna)', version: '', samplers: [] };
  const job = {
    table: options.tablePath,
    objectives: options.problem.objectives,
    constraints: options.problem.constraints,
    seeds: Array.from({ length: options.seeds }, (_, i) => i + 1),
    samplers: OPTUNA_SAMPLERS,
    maxTrials: options.maxTrials,
    // A run stops once it has visited every row of the true front (it then holds all its hypervolume).
    frontRows: options.truth.rows,
  };
  const result = spawnSync(python, [SCRIPT], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'inherit'] });
  if (result.error || result.status !== 0) throw new Error(`${SCRIPT} failed (exit ${result.status}): ${result.error?.message ?? ''}`);
  const output = JSON.parse(result.stdout) as ScriptOutput;
  const rows = options.table.file.rows;
  return {
    version: `optuna ${output.version}`,
    samplers: OPTUNA_SAMPLERS.map((name) => {
      const runs = output.runs[name] ?? [];
      const fractions: number[][] = [];
      const duplicates: number[] = [];
      for (const run of runs) {
        const tracker = new FrontTracker(options.problem, options.truth);
        const seen = new Set<number>();
        const trace: number[] = [];
        for (const row of run.rows) {
          if (row < 0 || seen.has(row)) continue;
          seen.add(row);
          trace.push(tracker.add(rows[row]!.metrics));
        }
        fractions.push(trace);
        duplicates.push(run.rows.filter((r) => r >= 0).length - seen.size);
      }
      return { name, fractions, duplicates };
    }),
  };
}
