import { Command } from 'commander';
import { CancelSearchMutation } from '../../graphql/documents.js';
import { resolveRun } from '../../backend/resolve.js';
import { addBackendOptions, withBackend, type BackendCliOptions } from '../backend-option.js';
import { toJson, type CliIo } from '../io.js';
import { runSummaryLine } from '../view-output.js';

interface CancelOptions extends BackendCliOptions {
  json?: boolean;
}

/**
 * `frontier cancel RUN`: cancels a queued or running search; what it found stays in the front. On a
 * server the run stops at once; embedded, a QUEUED or interrupted run is marked CANCELLED so that
 * nothing resumes it (a search running in a terminal stops with Ctrl-C).
 */
export function cancelCommand(io: CliIo): Command {
  const command = new Command('cancel')
    .description('cancel a queued or running search; what it found stays in the front')
    .argument('<run>', 'the run id (see `frontier runs`)')
    .option('--json', 'print machine-readable JSON');
  return addBackendOptions(command).action(async (id: string, o: CancelOptions) => {
    await withBackend(io, o, async (backend) => {
      await resolveRun(backend, id);
      const { cancelSearch: run } = await backend.request(CancelSearchMutation, { runId: id });
      if (o.json) io.out(toJson({ run }));
      else io.out(runSummaryLine(run));
    });
  });
}
