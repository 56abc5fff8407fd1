import { analyzeModel, HOST_DEVICE_ID, readModel, validateDeviceSpec, type DeviceSpec, type PoolDataset } from '@frontier/workers';
import { SearchError } from '../errors.js';
import { parseConstraints, parseObjectives } from '../objectives/objectives.js';
import { parseSamplerConfig } from '../samplers/create-sampler.js';
import { defineSpace } from '../space/define-space.js';
import type { Store } from '../store/store.js';
import type { Budget, DatasetRecord, Model, Run } from '../store/types.js';
import { BUILTIN_DATASET, checkModelFitsDataset, registerDataset, resolveDataset, type NewDataset } from './search-datasets.js';
import type { Dispatcher } from './dispatcher.js';
import type { RunEvents } from './events.js';
import { LocalDispatcher } from './local-dispatcher.js';
import { runEngine } from './run-engine.js';
import { SidePool } from './side-pool.js';

/** The built-in datasets a run can search on; registered datasets are named by id or name. */
export const SEARCH_DATASETS = [BUILTIN_DATASET] as const;
/** `fashion-mnist`, or a registered dataset's id or name. */
export type SearchDataset = string;

/**
 * Relative slack of the host's pre-screen on latency: the host predictor's error on held-out
 * compressed zoo models (`npm run bench -- devices`: 69–75% within ±25%, median error 9–10%), so a
 * recipe is ruled out only when its predicted latency is far past the limit.
 */
const HOST_LATENCY_SLACK = 0.5;

export interface SearchServiceOptions {
  readonly store: Store;
  /** Where datasets are cached (FRONTIER_DATA). */
  readonly dataDir: string;
  /** Pool threads per run; default the machine's cores. */
  readonly threads?: number;
  /** Builds a run's dispatcher; default the local worker pool. */
  readonly dispatcherFor?: (context: DispatchContext) => Dispatcher | Promise<Dispatcher>;
}

/** What a run's dispatcher is built for. */
export interface DispatchContext {
  readonly runId: string;
  readonly model: { readonly sha256: string; readonly bytes: Uint8Array };
  readonly dataset: PoolDataset;
  readonly dataDir: string;
  readonly device: DeviceSpec;
  readonly threads?: number;
}

export interface NewSearch {
  readonly modelId: string;
  readonly deviceId: string;
  readonly dataset?: SearchDataset;
  readonly objectives: readonly string[];
  readonly constraints: object;
  readonly space: object;
  readonly sampler: object;
  readonly budget: Budget;
  readonly seed: number;
}

/**
 * What every front end (CLI, API) does with searches: register models and devices, create runs,
 * run them to the end on a dispatcher, resume interrupted ones. One service per store.
 */
export class SearchService {
  constructor(private readonly o: SearchServiceOptions) {}

  /**
   * Registers an ONNX model (idempotent by content): checks it is supported, records its analysis
   * and its baseline top-1 accuracy on `val` of the dataset (measured on a worker thread: the
   * event loop stays free for the requests a server is answering meanwhile). Without a dataset,
   * the baseline is measured on the built-in one when the model takes its images, else not at all.
   */
  async registerModel(input: { readonly name: string; readonly bytes: Uint8Array; readonly dataset?: SearchDataset }): Promise<Model> {
    const onnx = readModel(input.bytes);
    const analysis = analyzeModel(onnx);
    const dataset = await resolveDataset(this.o.store, input.dataset);
    const inputShape = analysis.inputs[0]!.dims;
    const classes = analysis.outputs[0]!.dims.at(-1)!;
    let fits = true;
    try {
      checkModelFitsDataset({ name: input.name, inputShape, classes }, dataset);
    } catch (err) {
      // A dataset named explicitly must fit: say why not. The default one is only measured when it fits.
      if (input.dataset !== undefined) throw err;
      fits = false;
    }
    const accuracy = fits ? await this.baseline(input.bytes, dataset.pool) : undefined;
    return this.o.store.registerModel({
      name: input.name,
      onnx: input.bytes,
      inputShape,
      classes,
      params: analysis.params,
      macs: analysis.macs,
      coverage: analysis.nodes.map((n) => ({ node: n.name, opType: n.opType, techniques: n.techniques })),
      ...(accuracy !== undefined ? { baseline: { dataset: `${dataset.record?.name ?? dataset.key}/val`, accuracy } } : {}),
    });
  }

  /** Registers a dataset from files on this machine (see `registerDataset`). */
  async registerDataset(input: NewDataset): Promise<DatasetRecord> {
    return registerDataset(this.o.store, this.o.dataDir, input);
  }

  private async baseline(bytes: Uint8Array, dataset: PoolDataset): Promise<number> {
    const side = new SidePool();
    try {
      return await side.baseline({ model: bytes, dataset, dataDir: this.o.dataDir });
    } finally {
      await side.close();
    }
  }

  /** Stores a device spec (validated) under its id, replacing an earlier one. */
  async registerDevice(spec: DeviceSpec): Promise<DeviceSpec> {
    const valid = validateDeviceSpec(spec);
    await this.o.store.putDevice({ id: valid.id, name: valid.name, spec: valid });
    return valid;
  }

  /** Validates a search (space, objectives, constraints, sampler, budget) and stores it as a QUEUED run. */
  async createRun(s: NewSearch): Promise<Run> {
    defineSpace(s.space);
    parseObjectives(s.objectives);
    parseConstraints(s.constraints);
    parseSamplerConfig(s.sampler);
    const { evaluations, seconds } = s.budget;
    if (evaluations === undefined && seconds === undefined) throw new SearchError('BAD_ARGUMENT', 'budget needs evaluations, seconds or both');
    for (const [k, v] of Object.entries(s.budget)) {
      if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new SearchError('BAD_ARGUMENT', `budget.${k} must be a positive integer, got ${v}`);
    }
    const model = await this.o.store.getModel(s.modelId);
    await this.o.store.getDevice(s.deviceId);
    const dataset = await resolveDataset(this.o.store, s.dataset);
    checkModelFitsDataset(model, dataset);
    return this.o.store.createRun({ ...s, dataset: dataset.key });
  }

  /** Runs (or resumes) a run to its end; aborting `signal` cancels it, keeping what was found. */
  async start(runId: string, options: { readonly events?: RunEvents; readonly signal?: AbortSignal } = {}): Promise<Run> {
    const store = this.o.store;
    const run = await store.getRun(runId);
    const model = await store.getModel(run.modelId);
    const device = validateDeviceSpec((await store.getDevice(run.deviceId)).spec);
    const bytes = await store.getArtifact(model.sha256);
    const dispatcher = await (this.o.dispatcherFor ?? ((c) => new LocalDispatcher(c)))({
      runId,
      model: { sha256: model.sha256, bytes },
      dataset: (await resolveDataset(store, run.dataset)).pool,
      dataDir: this.o.dataDir,
      device,
      ...(this.o.threads !== undefined ? { threads: this.o.threads } : {}),
    });
    const side = new SidePool();
    try {
      return await runEngine({
        store,
        runId,
        dispatcher,
        estimate: (recipe) => side.estimate({ model: { sha256: model.sha256, bytes }, recipe, device }),
        device: { ramBytes: device.ramBytes, flashBytes: device.storageBytes },
        latencySlack: device.id === HOST_DEVICE_ID ? HOST_LATENCY_SLACK : 0,
        ...(options.events ? { events: options.events } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } finally {
      await Promise.all([dispatcher.close(), side.close()]);
    }
  }

  /**
   * After a restart: candidates left RUNNING go back to PENDING (over `maxAttempts` they end
   * FAILED), and every run that was RUNNING is resumed. Resolves when they have all finished.
   */
  async resumeInterrupted(options: { readonly maxAttempts?: number; readonly events?: RunEvents } = {}): Promise<Run[]> {
    await this.o.store.requeueInterrupted({ maxAttempts: options.maxAttempts ?? 3 });
    const runs = await this.o.store.listRuns({ status: 'RUNNING' });
    const out: Run[] = [];
    for (const run of runs) out.push(await this.start(run.id, options.events ? { events: options.events } : {}));
    return out;
  }
}
