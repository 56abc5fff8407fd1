import { Command, Option } from 'commander';
import { SEARCH_DATASETS } from '@frontier/search';
import { selectWith, DEFAULT_LOCK_FILE, type ConstraintMiss, type SelectResult } from '../../select/select-model.js';
import { addBackendOptions, withBackend, type BackendCliOptions } from '../backend-option.js';
import { ExitCode, ExitWith, UsageError } from '../exit-codes.js';
import { formatBytes } from '../format.js';
import { formatRecipe, percent } from '../format-recipe.js';
import { finiteNumber, toJson, type CliIo } from '../io.js';
import { limitInput, type LimitOptions } from '../limit-options.js';
import { candidateMetricsLine, formatLimits } from '../view-output.js';
import { formatLatency } from '../search-output.js';

interface SelectCliOptions extends BackendCliOptions, LimitOptions {
  model?: string;
  device?: string;
  dataset?: string;
  prefer?: 'accuracy' | 'latency' | 'size';
  out: string;
  lock?: string;
  locked?: boolean;
  json?: boolean;
}

/**
 * `frontier select`: the model file to ship for a device, from the stored front. Exit 0 with the
 * file written; 3 when no stored candidate meets the limits (the nearest misses named); 1 on errors
 * — including a `--locked` artifact that is gone or changed.
 */
export function selectCommand(io: CliIo): Command {
  const command = new Command('select')
    .description('write the best stored model for a device under limits (for product builds): exit 0 written, 3 nothing meets the limits, 1 error')
    .option('--model <id|name|file>', 'the model searched: its id or name, or its .onnx file (or zoo name)')
    .option('--device <id>', 'the target device')
    .option('--dataset <name>', `dataset searched on: ${SEARCH_DATASETS.join(', ')} or a registered one (name or id); default fashion-mnist`)
    .option('--max-latency-ms <ms>', 'latency limit', finiteNumber('--max-latency-ms'))
    .option('--max-ram-kb <KiB>', 'peak RAM limit', finiteNumber('--max-ram-kb'))
    .option('--max-flash-kb <KiB>', 'deploy size (flash) limit', finiteNumber('--max-flash-kb'))
    .option('--min-accuracy <fraction>', 'lowest val accuracy, in (0, 1]', finiteNumber('--min-accuracy'))
    .addOption(new Option('--prefer <what>', 'what wins among the candidates meeting every limit (ties: then the others, then the id)').choices(['accuracy', 'latency', 'size']))
    .requiredOption('--out <model.onnx>', 'where to write the chosen model file')
    .option('--lock <file>', `write the choice to this lock file (read it with --locked; default with --locked: ${DEFAULT_LOCK_FILE})`)
    .option('--locked', 'fetch exactly the artifact the lock file pins (verified by sha256); fail if it is gone or changed, never choose another')
    .option('--json', 'print machine-readable JSON');
  return addBackendOptions(command).action(async (o: SelectCliOptions) => {
    if (!o.locked && (!o.model || !o.device)) throw new UsageError('select needs --model and --device (or --locked with a lock file)');
    const constraints = limitInput(o);
    const result = await withBackend(io, o, (backend) =>
      selectWith(backend, {
        ...(o.model !== undefined ? { model: o.model } : {}),
        ...(o.device !== undefined ? { device: o.device } : {}),
        ...(o.dataset !== undefined ? { dataset: o.dataset } : {}),
        ...(Object.keys(constraints).length > 0 ? { constraints } : {}),
        ...(o.prefer !== undefined ? { prefer: o.prefer } : {}),
        out: o.out,
        ...(o.lock !== undefined ? { lock: o.lock } : {}),
        locked: o.locked ?? false,
      }),
    );
    if (o.json) io.out(toJson(result));
    if (result.status === 'unsatisfied') throw new ExitWith(ExitCode.UNSATISFIED, unsatisfiedMessage(result));
    if (!o.json) io.out(selectedReport(result));
    for (const note of result.notes) io.err(`note: ${note}`);
  });
}

function selectedReport(r: Extract<SelectResult, { status: 'selected' }>): string {
  const { criteria, candidate: c, artifact, front } = r.lock;
  const m = c.metrics;
  const metrics = [
    `val acc ${percent(m.accuracy ?? undefined)}`,
    `test acc ${percent(m.testAccuracy ?? undefined)}`,
    ...(m.latency ? [`latency ${formatLatency({ ms: m.latency.ms, source: m.latency.source === 'MEASURED' ? 'MEASURED' : 'PREDICTED', uncertainty: m.latency.uncertainty }, criteria.constraints.maxLatencyMs)}`] : []),
    ...(m.peakRamBytes != null ? [`peak RAM ${formatBytes(m.peakRamBytes)}`] : []),
    ...(m.deployBytes != null ? [`deploy ${formatBytes(m.deployBytes)}`] : []),
    ...(m.modelBytes != null ? [`file ${formatBytes(m.modelBytes)}`] : []),
  ];
  return [
    `${r.locked ? 'locked' : 'selected'} candidate ${c.id} (run ${c.runId}) of ${criteria.model.name} on ${criteria.device}: prefer ${criteria.prefer.toLowerCase()}; ${formatLimits(criteria.constraints)}`,
    `  recipe: ${formatRecipe(c.recipe)}`,
    `  ${metrics.join(', ')}`,
    `wrote ${r.out} (sha256 ${artifact.sha256}, ${artifact.bytes} bytes)`,
    ...(r.lockPath ? [`${r.locked ? 'from' : 'locked in'} ${r.lockPath} (front version ${front.version}, digest ${front.digest.slice(0, 12)})`] : []),
  ].join('\n');
}

function unsatisfiedMessage(r: Extract<SelectResult, { status: 'unsatisfied' }>): string {
  const head = `frontier: nothing stored for ${r.model.name} on ${r.device} meets ${formatLimits(r.constraints)} (front version ${r.front.version})`;
  if (!r.nearest) return `${head}: the front is empty — run a search first (\`frontier search --model ${r.model.name} --device ${r.device}\`)`;
  return [
    `${head}; nearest: candidate ${r.nearest.id} (${formatRecipe(r.nearest.recipe)}): ${candidateMetricsLine(r.nearest)}`,
    ...r.unsatisfied.map((miss) => `  misses ${formatMiss(miss)}`),
  ].join('\n');
}

/** `maxLatencyMs: 7.200 ms > limit 5 ms, over by 2.200 ms (+44.0%)`. */
export function formatMiss(m: ConstraintMiss): string {
  const pct = `${(m.relative * 100).toFixed(1)}%`;
  switch (m.constraint) {
    case 'minAccuracy':
      return `minAccuracy: ${percent(m.value)} < limit ${percent(m.limit)}, short by ${(m.excess * 100).toFixed(2)} points (${pct})`;
    case 'maxLatencyMs':
      return `maxLatencyMs: ${m.value.toFixed(3)} ms > limit ${m.limit} ms, over by ${m.excess.toFixed(3)} ms (+${pct})`;
    default:
      return `${m.constraint}: ${m.value.toFixed(1)} KiB > limit ${m.limit} KiB, over by ${m.excess.toFixed(1)} KiB (+${pct})`;
  }
}
