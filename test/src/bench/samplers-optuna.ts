// The Optuna peer of the `samplers` section: runs test/bench-py/optuna_table.py (Optuna's NSGA-II
// and TPE on the same table, same objectives and constraints) when Debian's python3-optuna is
// installed, and turns the rows it visited into hypervolume traces with Frontier's own tracker.
// Python is a peer only, never a dependency: without it the peer is skipped with a note.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FrontTracker, REFERENCE, type BenchmarkProblem, type TabularBenchmark, type TrueFront } from '@frontier/search';

const SCRIPT = fileURLToPath(new URL('../../bench-py/optuna_table.py', import.meta.url));

/** One Optuna sampler of the peer and how much of it to run. */
export interface PeerSampler {
  /** nsga2: NSGAIISampler defaults; tpe: TPESampler defaults; tpe-multivariate: multivariate=True, group=True. */
  readonly name: 'nsga2' | 'tpe' | 'tpe-multivariate';
  readonly seeds: number;
  /** Trials per run at most, repeated proposals included. */
  readonly maxTrials: number;
  /** CPU seconds for the sampler: once spent, the running seed stops (left out) and no further seed starts. */
  readonly budgetSeconds: number;
}

export interface PeerRun {
  /** Why the peer did not run, when it did not. */
  readonly skipped?: string;
  readonly version: string;
  readonly samplers: readonly {
    readonly spec: PeerSampler;
    /** Per seed: the found fraction of the true hypervolume after each distinct evaluated recipe. */
    readonly fractions: number[][];
    /** Per seed: proposals of a recipe already evaluated (not counted as evaluations). */
    readonly duplicates: number[];
    /** Seeds the time budget cut short before the stop fraction; left out of `fractions`. */
    readonly truncated: number;
    readonly seconds: number;
    /** CPU seconds the Python process used. */
    readonly cpuSeconds: number;
  }[];
}

export interface OptunaPeerOptions {
  readonly tablePath: string;
  readonly table: TabularBenchmark;
  readonly problem: BenchmarkProblem;
  readonly truth: TrueFront;
  readonly samplers: readonly PeerSampler[];
  /** A run stops once it holds this fraction of the true front's hypervolume. */
  readonly stopAt: number;
}

interface ScriptOutput {
  readonly version: string;
  readonly cpuSeconds: number;
  readonly runs: Record<string, { readonly seed: number; readonly rows: number[]; readonly truncated: boolean }[]>;
}

/** The first Python that imports optuna: FRONTIER_PYTHON, then python3 on the PATH, then Debian's own. */
function findPython(): string | undefined {
  const candidates = [process.env['FRONTIER_PYTHON'], 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  return candidates.find((python) => spawnSync(python, ['-c', 'import optuna'], { encoding: 'utf8' }).status === 0);
}

/** Replays the traces of one sampler's complete runs: fractions over distinct recipes, and the repeats. */
function traces(options: OptunaPeerOptions, runs: ScriptOutput['runs'][string]): { fractions: number[][]; duplicates: number[]; truncated: number } {
  const rows = options.table.file.rows;
  const fractions: number[][] = [];
  const duplicates: number[] = [];
  for (const run of runs.filter((r) => !r.truncated)) {
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
  return { fractions, duplicates, truncated: runs.filter((r) => r.truncated).length };
}

export function optunaPeer(options: OptunaPeerOptions): PeerRun {
  const python = findPython();
  if (!python) return { skipped: 'no python3 with optuna (Debian: apt-get install python3-optuna)', version: '', samplers: [] };
  const { truth } = options;
  const samplers = [];
  let version = '';
  // One script run per sampler, so each is timed on its own.
  for (const spec of options.samplers) {
    const job = {
      table: options.tablePath,
      objectives: options.problem.objectives,
      constraints: options.problem.constraints,
      samplers: [{ name: spec.name, seeds: Array.from({ length: spec.seeds }, (_, i) => i + 1), maxTrials: spec.maxTrials, budgetSeconds: spec.budgetSeconds }],
      stop: { scales: options.problem.scales, reference: REFERENCE, hypervolume: truth.hypervolume, fraction: options.stopAt },
    };
    const started = performance.now();
    // One BLAS thread: Optuna's numerics are small, and idle BLAS threads spinning on a shared 2-core
    // machine would only burn the CPU budget.
    const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const result = spawnSync(python, [SCRIPT], { input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['pipe', 'pipe', 'inherit'], env });
    if (result.error || result.status !== 0) throw new Error(`${SCRIPT} failed (exit ${result.status}): ${result.error?.message ?? ''}`);
    const output = JSON.parse(result.stdout) as ScriptOutput;
    version = `optuna ${output.version} (${python})`;
    samplers.push({ spec, ...traces(options, output.runs[spec.name] ?? []), seconds: (performance.now() - started) / 1000, cpuSeconds: output.cpuSeconds });
  }
  return { version, samplers };
}
