import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where `client/bin/frontier.js` lives. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The environment for a `frontier` child: this process's, without the variables that would point
 * it at shared services (a MongoDB store, a server, a queue, a data folder), so a test touches only
 * what it names on the command line.
 */
export function hermeticEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['MONGODB_URI', 'FRONTIER_DATA', 'FRONTIER_API', 'FRONTIER_TOKEN', 'FRONTIER_REDIS_URL']) delete env[name];
  return { ...env, ...extra };
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the `frontier` binary to completion as a user would (a child process). */
export function frontier(args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const r = spawnSync(process.execPath, ['client/bin/frontier.js', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: hermeticEnv(env),
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the binary and resolves once `ready(stderrSoFar)` holds; the caller decides its fate. */
export function startFrontier(args: readonly string[], ready: (stderr: string) => boolean) {
  const child = spawn(process.execPath, ['client/bin/frontier.js', ...args], { cwd: repoRoot, env: hermeticEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const reached = new Promise<string>((resolve, reject) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (ready(stderr)) resolve(stderr);
    });
    child.on('exit', (code) => reject(new Error(`frontier exited (${code}) before it was ready:\n${stderr}`)));
  });
  return { child, reached };
}

/**
 * Runs the binary to completion without blocking this process (unlike {@link frontier}), so that
 * other children's output keeps flowing meanwhile.
 */
export function frontierAsync(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const child = spawn(process.execPath, ['client/bin/frontier.js', ...args], { cwd: repoRoot, env: hermeticEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
