import { existsSync } from 'node:fs';
import { ZOO_ARCHITECTURES } from '@frontier/workers';
import { isClientError } from '../../api-client/client-error.js';
import { watchRun } from '../../api-client/watch-run.js';
import type { Backend } from '../../backend/backend.js';
import { openRemoteBackend } from '../../backend/remote-backend.js';
import { resolveDevice, resolveModel } from '../../backend/resolve.js';
import { CancelSearchMutation, RegisterDeviceMutation, RunQuery, StartSearchMutation, type ModelView } from '../../graphql/documents.js';
import { readDeviceFile } from '../device-option.js';
import { UsageError } from '../exit-codes.js';
import { exportArtifacts } from '../export-artifacts.js';
import { formatBytes } from '../format.js';
import { formatRecipe, percent } from '../format-recipe.js';
import { toJson, type CliIo } from '../io.js';
import { limitInput } from '../limit-options.js';
import { modelFromOption } from '../model-option.js';
import { readJsonFile } from '../read-json-file.js';
import { runSummaryLine, viewTable } from '../view-output.js';
import type { SearchOptions } from './search.js';

/** The `search` options a server run takes (the rest are the embedded search's). */
export type RemoteSearchOptions = Pick<
  SearchOptions,
  'model' | 'device' | 'maxLatencyMs' | 'maxRamKb' | 'maxFlashKb' | 'minAccuracy' | 'objectives' | 'budget' | 'seconds' | 'sampler' | 'seed' | 'space' | 'resume' | 'export' | 'json'
>;

/**
 * `frontier search --api URL`: starts the search on the server (uploading the model file if the
 * server lacks it), prints the run id on stdout at once, follows its progress over the
 * subscription (reconnecting if the connection drops), then prints the front. Ctrl-C cancels the
 * run, keeping what it found, as it does for an embedded search.
 */
export async function searchRemote(io: CliIo, o: RemoteSearchOptions, api: string): Promise<void> {
  if (o.resume) throw new UsageError('--resume continues an embedded run; a server resumes its interrupted runs itself (follow one with `frontier run RUN --api URL`)');
  if (!o.model) throw new UsageError('--model is required (or --resume <runId>)');
  if (!o.device) throw new UsageError('--device is required (see `frontier devices`)');
  const constraints = limitInput(o);
  const backend = openRemoteBackend({ url: api, token: process.env['FRONTIER_TOKEN'] || undefined, onReconnecting: (n) => io.err(`connection to ${api} lost: reconnecting (attempt ${n})`) });
  try {
    const model = await modelOnServer(io, backend, o.model);
    const deviceId = o.device.endsWith('.json')
      ? (await backend.request(RegisterDeviceMutation, { spec: readDeviceFile(o.device) })).registerDevice.id
      : (await resolveDevice(backend, o.device)).id;
    const { startSearch: started } = await backend.request(StartSearchMutation, {
      input: {
        modelId: model.id,
        deviceId,
        constraints,
        budget: o.seconds !== undefined ? { seconds: o.seconds, ...(o.budget ? { evaluations: o.budget } : {}) } : { evaluations: o.budget ?? 20 },
        sampler: o.sampler,
        seed: o.seed,
        objectives: o.objectives.split(',').map((s) => s.trim()),
        ...(o.space ? { space: readJsonFile(o.space, '--space') } : {}),
      },
    });
    if (!o.json) io.out(started.id);
    io.err(`run ${started.id}: started on ${backend.location} for ${model.name} on ${deviceId}`);
    const onSignal = () => {
      io.err(`cancelling run ${started.id} (what it found stays)`);
      backend.request(CancelSearchMutation, { runId: started.id }).catch((err: unknown) => io.err(`cancel failed: ${String(err)}`));
    };
    process.once('SIGINT', onSignal);
    let seen = 0;
    try {
      await watchRun(backend.client, started.id, {
        onEvent: (e) => {
          const c = e.candidate;
          if (e.kind !== 'CANDIDATE' || !c || (c.status !== 'DONE' && c.status !== 'FAILED' && c.status !== 'INFEASIBLE')) return;
          if (c.status !== 'INFEASIBLE') seen++;
          const total = e.run.budget.evaluations;
          const what = c.status === 'DONE' ? `${percent(c.accuracy ?? undefined)} ${c.latency?.ms.toFixed(3)} ms ${formatBytes(c.deployBytes ?? 0)}${c.reusedFrom ? ' (reused)' : ''}` : (c.failure ?? '');
          io.err(`[${seen}${total != null ? `/${total}` : ''}] ${c.status.padEnd(10)} ${formatRecipe(c.recipe)} — ${what}`);
        },
      });
    } finally {
      process.off('SIGINT', onSignal);
    }
    const { run } = await backend.request(RunQuery, { id: started.id });
    if (!run) throw new Error(`run ${started.id} is gone from ${backend.location}`);
    const exported = o.export ? await exportArtifacts(backend, run.front.members, o.export) : [];
    if (o.json) {
      io.out(toJson({ run, front: run.front.members, exported }));
    } else {
      io.out(runSummaryLine(run));
      if (run.error) io.out(`  ${run.error}`);
      io.out(viewTable(run.front.members, run.constraints.maxLatencyMs));
      for (const path of exported) io.out(`wrote ${path}`);
    }
    if (run.status === 'FAILED') throw new Error(run.error ?? 'the run failed');
    if (run.status === 'DONE' && run.progress.done === 0 && run.progress.failed > 0) throw new Error(`every evaluated candidate FAILED (${run.progress.failed}); see \`frontier run ${run.id}\``);
  } finally {
    await backend.close();
  }
}

/** The server's model for `--model`: one it has (id, name or same bytes), else the file uploaded. */
async function modelOnServer(io: CliIo, backend: Backend, value: string): Promise<ModelView> {
  try {
    return await resolveModel(backend, value);
  } catch (err) {
    if (!isClientError(err, 'NOT_FOUND') || !(existsSync(value) || (ZOO_ARCHITECTURES as readonly string[]).includes(value))) throw err;
  }
  const file = modelFromOption(value);
  io.err(`uploading ${value} to ${backend.location} as "${file.name}"`);
  await backend.addModel({ name: file.name, bytes: file.bytes });
  return resolveModel(backend, value);
}
