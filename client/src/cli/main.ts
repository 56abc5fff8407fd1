import { Command, CommanderError } from 'commander';
import { ExitCode, ExitWith, UsageError } from './exit-codes.js';
import { processIo, type CliIo } from './io.js';
import { COMMANDS } from './commands/index.js';

/** Builds the `frontier` program with every command, writing through `io`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('frontier')
    .description('Frontier: find the Pareto front of compressed computer-vision models for a target device')
    .version('0.1.0')
    // Options after a command are that command's (`models add FILE --json` is add's --json, not models').
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  for (const make of COMMANDS) {
    const command = make(io);
    command.exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
    command.showHelpAfterError('(run with --help for usage)');
    program.addCommand(command);
  }
  return program;
}

/**
 * Runs the CLI on `argv` (without node and script) and returns the exit code: 0 ok, 1 error
 * (message on stderr), 2 bad usage, 3 nothing satisfies the constraints.
 */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'user' });
    return ExitCode.OK;
  } catch (err) {
    return exitCodeFor(err, io);
  }
}

function exitCodeFor(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) {
    // Commander already printed its message (or the help text).
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.OK;
    if (err.code === 'commander.executeSubCommandAsync') return err.exitCode;
    return ExitCode.USAGE;
  }
  if (err instanceof UsageError) {
    io.err(`frontier: ${err.message}`);
    return ExitCode.USAGE;
  }
  if (err instanceof ExitWith) {
    io.err(err.message);
    return err.code;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.err(`frontier: ${message}`);
  if (process.env['FRONTIER_DEBUG'] && err instanceof Error) io.err(err.stack ?? '');
  return ExitCode.ERROR;
}
