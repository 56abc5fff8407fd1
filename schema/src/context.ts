import type { Candidate, DatasetRecord, Device, Model, NewDataset, Run, RunEvent, Store } from '@frontier/search';

/** What a caller may do: `read` queries and subscribes; `write` also mutates and uploads. */
export type Scope = 'read' | 'write';

/** Loads one entity by id, batching the loads of one request into few store calls. */
export interface EntityLoader<T> {
  load(id: string): Promise<T>;
  loadMany(ids: readonly string[]): Promise<(T | Error)[]>;
}

/** Per-request loaders: every nested field goes through them, never straight to the store. */
export interface Loaders {
  readonly candidate: EntityLoader<Candidate>;
  readonly run: EntityLoader<Run>;
  readonly model: EntityLoader<Model>;
  readonly device: EntityLoader<Device>;
}

/** The server's health as `health` reports it. */
export interface HealthInfo {
  readonly ok: boolean;
  readonly version: string;
  readonly store: string;
  readonly poolThreads: number;
  readonly runsActive: number;
}

/** A search to start, in the store's units (bytes, not KiB). */
export interface StartSearch {
  readonly modelId: string;
  readonly deviceId: string;
  /** A registered dataset's id (or name); default the built-in one. */
  readonly dataset?: string;
  readonly objectives: readonly string[];
  readonly constraints: object;
  readonly budget: { readonly evaluations?: number; readonly seconds?: number };
  readonly sampler: object;
  readonly seed: number;
  readonly space?: object;
}

/**
 * What the schema's resolvers need from the server around them: the engine's operations and the
 * live events of runs. The server implements it; tests may implement it over a store alone.
 */
export interface Platform {
  health(): Promise<HealthInfo>;
  /** Validates and stores a device spec. */
  registerDevice(spec: unknown): Promise<Device>;
  /** Registers a dataset from files on the server. */
  registerDataset(input: NewDataset): Promise<DatasetRecord>;
  /** Creates a run and starts it in the background; resolves with the stored run. */
  startSearch(input: StartSearch): Promise<Run>;
  /** Cancels a run, keeping what it found; resolves with the run once it is CANCELLED. */
  cancelSearch(runId: string): Promise<Run>;
  /** Live events of one run; returns the function that stops them. */
  subscribe(runId: string, listener: (event: RunEvent) => void): () => void;
}

/** The context every resolver receives. */
export interface SchemaContext {
  readonly store: Store;
  readonly platform: Platform;
  readonly loaders: Loaders;
  readonly scope: Scope;
  /** Base URL of artifact downloads (`/artifacts`), for `Artifact.url`. */
  readonly artifactBaseUrl: string;
}
