/** Exit codes of every `frontier` command (DESIGN.md: interfaces others depend on). */
export const ExitCode = {
  OK: 0,
  /** Something failed; the message is on stderr. */
  ERROR: 1,
  /** The command line was wrong: unknown option, missing argument, bad option value. */
  USAGE: 2,
  /** `select`: nothing satisfies the constraints. */
  UNSATISFIED: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A bad command line detected by a command itself (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command outcome that is not an error but has its own exit code (e.g. 3 for `select`). */
export class ExitWith extends Error {
  constructor(
    readonly code: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExitWith';
  }
}
