import { existsSync } from 'node:fs';
import { sha256Hex } from '@frontier/search';
import { ZOO_ARCHITECTURES } from '@frontier/workers';
import { FrontierClientError } from '../api-client/client-error.js';
import { DevicesQuery, ModelsQuery, RunQuery, RunsQuery, type ModelView } from '../graphql/documents.js';
import { modelFromOption } from '../cli/model-option.js';
import type { Backend } from './backend.js';

/** How many ids an "unknown id" message lists before it says how many more there are. */
const LISTED = 10;

/** "the store in DIR" or "the server URL". */
export function describeBackend(backend: Backend): string {
  return backend.kind === 'embedded' ? `the store in ${backend.location}` : `the server ${backend.location}`;
}

function listing(what: string, names: readonly string[]): string {
  if (names.length === 0) return `no ${what} yet`;
  const more = names.length > LISTED ? ` … and ${names.length - LISTED} more` : '';
  return `${what}: ${names.slice(0, LISTED).join(', ')}${more}`;
}

/**
 * The stored model a `--model` value names: its id, its name, or an .onnx file (or zoo model) whose
 * bytes were registered. Unknown: NOT_FOUND naming the models there are.
 */
export async function resolveModel(backend: Backend, value: string): Promise<ModelView> {
  const { models } = await backend.request(ModelsQuery, {});
  const known = () => listing('models', models.map((m) => `${m.name} (${m.id})`));
  const byId = models.find((m) => m.id === value);
  if (byId) return byId;
  const named = models.filter((m) => m.name === value);
  if (named.length === 1) return named[0]!;
  if (named.length > 1) {
    throw new FrontierClientError('BAD_USER_INPUT', `${named.length} models are named "${value}" in ${describeBackend(backend)}: give one of their ids (${named.map((m) => m.id).join(', ')})`);
  }
  if (existsSync(value) || (ZOO_ARCHITECTURES as readonly string[]).includes(value)) {
    const sha = sha256Hex(modelFromOption(value).bytes);
    const bySha = models.find((m) => m.sha256 === sha);
    if (bySha) return bySha;
    throw new FrontierClientError('NOT_FOUND', `${value} is not in ${describeBackend(backend)} (no model with sha256 ${sha.slice(0, 12)}…; add it with \`frontier models add\`); ${known()}`);
  }
  throw new FrontierClientError('NOT_FOUND', `no model "${value}" in ${describeBackend(backend)} (an id, a name, or an .onnx file); ${known()}`);
}

/** Checks a device id against the stored devices: unknown is NOT_FOUND naming the ones there are. */
export async function resolveDevice(backend: Backend, id: string): Promise<{ readonly id: string; readonly name: string }> {
  const { devices } = await backend.request(DevicesQuery, {});
  const device = devices.find((d) => d.id === id);
  if (!device) throw new FrontierClientError('NOT_FOUND', `unknown device "${id}" in ${describeBackend(backend)}; ${listing('devices', devices.map((d) => d.id))}`);
  return device;
}

/** A run and its front by id: unknown is NOT_FOUND naming the newest runs there are. */
export async function resolveRun(backend: Backend, id: string) {
  const { run } = await backend.request(RunQuery, { id });
  if (run) return run;
  const { runs } = await backend.request(RunsQuery, { first: LISTED + 1 });
  const ids = runs.edges.map((e) => `${e.node.id} (${e.node.status})`);
  const more = runs.totalCount > LISTED ? ` … and ${runs.totalCount - LISTED} more (frontier runs)` : '';
  throw new FrontierClientError('NOT_FOUND', `no run "${id}" in ${describeBackend(backend)}; ${ids.length === 0 ? 'no runs yet' : `runs, newest first: ${ids.slice(0, LISTED).join(', ')}${more}`}`);
}
