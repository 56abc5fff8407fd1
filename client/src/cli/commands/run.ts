import { Command } from 'commander';
import { resolveRun } from '../../backend/resolve.js';
import { addBackendOptions, withBackend, type BackendCliOptions } from '../backend-option.js';
import { toJson, type CliIo } from '../io.js';
import { formatBudget, formatLimits, runSummaryLine, viewTable } from '../view-output.js';

interface RunOptions extends BackendCliOptions {
  json?: boolean;
}

/** `frontier run RUN`: one run — its settings, progress, and the front under its limits. */
export function runCommand(io: CliIo): Command {
  const command = new Command('run')
    .description('show one search: settings, status, progress and its Pareto front')
    .argument('<run>', 'the run id (see `frontier runs`)')
    .option('--json', 'print machine-readable JSON');
  return addBackendOptions(command).action(async (id: string, o: RunOptions) => {
    await withBackend(io, o, async (backend) => {
      const run = await resolveRun(backend, id);
      if (o.json) {
        io.out(toJson({ run }));
        return;
      }
      const p = run.progress;
      io.out([
        runSummaryLine(run),
        `  ${run.model.name} (${run.model.id}) on ${run.device.id}, dataset ${run.dataset}`,
        `  limits: ${formatLimits(run.constraints)}; objectives: ${run.objectives.join(', ')}`,
        `  budget: ${formatBudget(run.budget)}; sampler ${JSON.stringify(run.sampler)}; seed ${run.seed}`,
        `  candidates: ${p.total} (${p.pending} pending, ${p.running} running)`,
        `  created ${run.createdAt}${run.startedAt ? `, started ${run.startedAt}` : ''}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}`,
        ...(run.error ? [`  error: ${run.error}`] : []),
        `front of ${run.model.name} on ${run.device.id} under these limits (all runs; version ${run.front.version}, digest ${run.front.digest.slice(0, 12)}): ${run.front.members.length} members`,
        viewTable(run.front.members, run.constraints.maxLatencyMs),
      ].join('\n'));
    });
  });
}
