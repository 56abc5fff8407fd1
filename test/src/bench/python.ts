import { spawnSync } from 'node:child_process';

/**
 * The first Python that imports `module`: FRONTIER_PYTHON, then python3 on the PATH, then Debian's
 * own /usr/bin/python3 (where apt's python3-torch and python3-optuna live). Python is only ever a
 * peer in benchmarks; undefined when none has the module.
 */
export function findPython(module: string): string | undefined {
  const candidates = [process.env['FRONTIER_PYTHON'], 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  return candidates.find((python) => spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8' }).status === 0);
}
