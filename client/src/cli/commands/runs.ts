import { Command, Option } from 'commander';
import { RunsQuery } from '../../graphql/documents.js';
import { addBackendOptions, withBackend, type BackendCliOptions } from '../backend-option.js';
import { positiveInt, toJson, type CliIo } from '../io.js';
import { table } from '../format.js';
import { formatEvaluated, formatLimits } from '../view-output.js';

const STATUSES = ['QUEUED', 'RUNNING', 'DONE', 'CANCELLED', 'FAILED'] as const;

interface RunsOptions extends BackendCliOptions {
  status?: (typeof STATUSES)[number];
  limit: number;
  json?: boolean;
}

/** `frontier runs`: the runs in the store or on a server, newest first, with status and progress. */
export function runsCommand(io: CliIo): Command {
  const command = new Command('runs')
    .description('list searches, newest first: status, model, device, progress, limits')
    .addOption(new Option('--status <status>', 'only runs with this status').choices([...STATUSES]))
    .option('--limit <n>', 'at most this many runs', positiveInt('--limit'), 20)
    .option('--json', 'print machine-readable JSON');
  return addBackendOptions(command).action(async (o: RunsOptions) => {
    await withBackend(io, o, async (backend) => {
      const { runs } = await backend.request(RunsQuery, { first: o.limit, ...(o.status ? { status: o.status } : {}) });
      const list = runs.edges.map((e) => e.node);
      if (o.json) {
        io.out(toJson({ totalCount: runs.totalCount, runs: list }));
        return;
      }
      if (list.length === 0) {
        io.out(o.status ? `no ${o.status} runs` : 'no runs yet (start one with `frontier search`)');
        return;
      }
      io.out(table(
        ['run', 'status', 'model', 'device', 'dataset', 'evaluated', 'ruled out', 'failed', 'limits', 'created'],
        list.map((r) => [r.id, r.status, r.model.name, r.device.id, r.dataset, formatEvaluated(r), String(r.progress.infeasible), String(r.progress.failed), formatLimits(r.constraints), r.createdAt]),
      ));
      if (runs.totalCount > list.length) io.out(`(${list.length} of ${runs.totalCount}; --limit shows more)`);
    });
  });
}
