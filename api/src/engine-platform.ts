import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { createCandidatePool, DEFAULT_SPACE, LocalDispatcher, RunEvents, SearchService, type DatasetRecord, type Device, type NewDataset, type Run, type RunEvent, type RedisRunEventBus, type SearchServiceOptions, type Store } from '@frontier/search';
import { deviceCatalogue, detectHostFacts, ZOO_ARCHITECTURES, zooModelPath, type DeviceSpec } from '@frontier/workers';
import { publicError, type HealthInfo, type Platform, type StartSearch } from '@frontier/schema';

export interface EnginePlatformOptions {
  readonly store: Store;
  readonly dataDir: string;
  /** Threads of the shared worker pool; default the machine's cores. */
  readonly threads?: number;
  /** Builds each run's dispatcher (the queue, `serve --redis`); default: the shared in-process pool. */
  readonly dispatcherFor?: SearchServiceOptions['dispatcherFor'];
  /**
   * Run events across processes (`serve --redis`): this server's runs are published on it, and the
   * runs of other servers sharing the store reach this server's subscribers through it.
   */
  readonly eventBus?: Pick<RedisRunEventBus, 'publish' | 'subscribe'>;
  readonly version: string;
  readonly log: (line: string) => void;
}

type Listener = (event: RunEvent) => void;
const FINAL = new Set(['DONE', 'CANCELLED', 'FAILED']);

/**
 * The engine inside the server: one SearchService on the store, one worker pool shared by every
 * run (its FIFO queue interleaves them), the runs in progress and their live events by run id.
 */
export class EnginePlatform implements Platform {
  readonly #o: EnginePlatformOptions;
  readonly #service: SearchService;
  readonly #pool: ReturnType<typeof createCandidatePool> | undefined;
  readonly #events: RunEvents;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #active = new Map<string, { controller: AbortController; done: Promise<Run | undefined> }>();
  #accepting = true;

  constructor(options: EnginePlatformOptions) {
    this.#o = options;
    this.#pool = options.dispatcherFor ? undefined : createCandidatePool(options.threads !== undefined ? { threads: options.threads } : {});
    const pool = this.#pool;
    this.#service = new SearchService({
      store: options.store,
      dataDir: options.dataDir,
      dispatcherFor: options.dispatcherFor ?? ((c) => new LocalDispatcher({ ...c, ...(pool ? { pool } : {}) })),
    });
    this.#events = new RunEvents((err) => options.log(`a progress listener failed: ${String(err)}`));
    const deliver = (event: RunEvent): void => {
      for (const listener of this.#listeners.get(event.runId) ?? []) listener(event);
    };
    this.#events.subscribe(deliver);
    if (options.eventBus) {
      options.eventBus.publish(this.#events);
      // This server's own events already arrive through #events.
      options.eventBus.subscribe(deliver, { ownEvents: false });
    }
  }

  async health(): Promise<HealthInfo> {
    const poolThreads = this.#pool?.threads ?? this.#o.threads ?? availableParallelism();
    return { ok: this.#accepting, version: this.#o.version, store: this.#o.store.kind, poolThreads, runsActive: this.#active.size };
  }

  async registerDevice(spec: unknown): Promise<Device> {
    this.#checkAccepting();
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw publicError('BAD_USER_INPUT', `spec must be a device spec object, got ${JSON.stringify(spec)}`);
    const valid = await this.#service.registerDevice(spec as DeviceSpec);
    return this.#o.store.getDevice(valid.id);
  }

  /** Registers an uploaded ONNX model (validated, op coverage checked, baseline measured on `dataset` when given). */
  async registerModel(name: string, bytes: Uint8Array, dataset?: string) {
    this.#checkAccepting();
    return this.#service.registerModel({ name, bytes, ...(dataset ? { dataset } : {}) });
  }

  /** Registers a dataset from files on this server (decoded and cached once). */
  async registerDataset(input: NewDataset): Promise<DatasetRecord> {
    this.#checkAccepting();
    return this.#service.registerDataset(input);
  }

  async startSearch(input: StartSearch): Promise<Run> {
    this.#checkAccepting();
    const run = await this.#service.createRun({ ...input, space: input.space ?? DEFAULT_SPACE });
    this.#launch(run.id);
    return run;
  }

  async cancelSearch(runId: string): Promise<Run> {
    const active = this.#active.get(runId);
    if (active) {
      active.controller.abort();
      await active.done;
      return this.#o.store.getRun(runId);
    }
    const run = await this.#o.store.getRun(runId);
    if (FINAL.has(run.status)) throw publicError('BAD_USER_INPUT', `run ${runId} is already ${run.status}; only a QUEUED or RUNNING run can be cancelled`);
    return this.#o.store.updateRun({ id: runId, from: ['QUEUED', 'RUNNING'], to: 'CANCELLED' });
  }

  subscribe(runId: string, listener: Listener): () => void {
    let set = this.#listeners.get(runId);
    if (!set) this.#listeners.set(runId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(runId) === set) this.#listeners.delete(runId);
    };
  }

  /** Registers the catalogue devices and the zoo models that are not in the store yet (a first start). */
  async registerBuiltins(): Promise<void> {
    const store = this.#o.store;
    const devices = new Set((await store.listDevices()).map((d) => d.id));
    for (const spec of deviceCatalogue(detectHostFacts())) if (!devices.has(spec.id)) await this.#service.registerDevice(spec);
    for (const arch of ZOO_ARCHITECTURES) {
      if ((await store.listModels({ name: arch })).length === 0) await this.#service.registerModel({ name: arch, bytes: readFileSync(zooModelPath(arch)) });
    }
  }

  /** After a crash or a stop: requeues interrupted candidates and resumes every QUEUED or RUNNING run. */
  async resumeInterrupted(): Promise<string[]> {
    await this.#o.store.requeueInterrupted({ maxAttempts: 3 });
    const runs = await this.#o.store.listRuns({ status: ['RUNNING', 'QUEUED'] });
    for (const run of runs) this.#launch(run.id);
    return runs.map((r) => r.id);
  }

  /** Runs in progress (ids). */
  activeRuns(): string[] {
    return [...this.#active.keys()];
  }

  /** Resolves once the run has ended (or at once if it is not running here). */
  async settled(runId: string): Promise<void> {
    await this.#active.get(runId)?.done;
  }

  /**
   * Stops taking work. Runs are left as a crash would leave them — RUNNING in the store, their
   * in-flight candidates RUNNING — so the next start requeues and resumes them: the caller closes
   * the store first, then {@link closePool} lets the evaluations end (their writes then fail).
   */
  stopAccepting(): void {
    this.#accepting = false;
  }

  /**
   * Asks the local pool's evaluations in flight to stop (each stops at its next onnxruntime call;
   * with the store closed, nothing of theirs is written and the runs stay as they were), waits up to
   * `graceMs` for them, then, unless the process is about to exit, ends the pool's threads.
   * Terminating a thread while onnxruntime works in it can abort the process, so the threads are
   * ended only once their evaluations have stopped or the grace is over. Evaluations on the queue
   * are left to their workers.
   */
  async closePool(options: { readonly graceMs: number; readonly exiting: boolean }): Promise<void> {
    if (this.#pool) for (const a of this.#active.values()) a.controller.abort(new Error('the server is stopping'));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.graceMs)));
    await Promise.race([Promise.allSettled([...this.#active.values()].map((a) => a.done)), grace]);
    clearTimeout(timer);
    if (!options.exiting) await this.#pool?.close(true);
  }

  #launch(runId: string): void {
    if (this.#active.has(runId)) return;
    const controller = new AbortController();
    const done = this.#service
      .start(runId, { events: this.#events, signal: controller.signal })
      .catch((err: unknown) => {
        if (this.#accepting) this.#o.log(`run ${runId} stopped: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      })
      .finally(() => this.#active.delete(runId));
    this.#active.set(runId, { controller, done });
  }

  #checkAccepting(): void {
    if (!this.#accepting) throw publicError('INTERNAL_SERVER_ERROR', 'the server is shutting down');
  }
}
