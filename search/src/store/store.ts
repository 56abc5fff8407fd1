import type { Readable } from 'node:stream';
import type {
  ArtifactRef,
  Candidate,
  CandidateResult,
  DatasetRecord,
  CandidateStatus,
  CandidateTransition,
  DedupKey,
  Device,
  Front,
  FrontKey,
  FrontReplacement,
  Model,
  NewCandidate,
  NewDatasetRecord,
  NewDevice,
  NewModel,
  NewRun,
  RequeueReport,
  Run,
  RunFilter,
  RunUpdate,
} from './types.js';

/**
 * The store port: where runs, candidates, fronts and artifacts live. Every adapter (embedded
 * SQLite, MongoDB) implements this contract, and `storeContract` checks it against each.
 *
 * **Errors.** Operations reject with a `StoreError` whose `code` says what happened:
 * - `NOT_FOUND` — a get of an unknown id or sha256; a run created for an unknown model or device;
 *   a candidate inserted into an unknown run;
 * - `CONFLICT` — a compare-and-set found another status or version than `from`/`expectedVersion`;
 *   `details` carries `expected` and `actual`. Nothing was written;
 * - `BAD_ARGUMENT` — an invalid input (negative numbers, a missing `reason`, a transition the
 *   status machine forbids, a result whose artifact is not stored, a front member that is not a
 *   DONE candidate of that model, dataset and device);
 * - `UNAVAILABLE` — the database cannot be opened or reached (raised by `openStore`);
 * - `CORRUPT` — an artifact's bytes do not hash to its name, or the schema is newer than this code;
 * - `CLOSED` — any call after {@link Store.close}.
 * Failures of the database itself after opening (disk full, network lost) reject with the
 * driver's own error. An operation that rejects has changed no entity (it may leave an unreferenced
 * artifact, or use up a `seq` number); {@link Store.requeueInterrupted} may commit candidate by
 * candidate, and can simply be called again.
 *
 * **Status machines.** Runs: QUEUED → RUNNING → DONE | CANCELLED | FAILED, and QUEUED → CANCELLED |
 * FAILED; RUNNING → RUNNING is allowed (to report `elapsedMs`); DONE, CANCELLED and FAILED are
 * final. Candidates: PENDING → RUNNING | INFEASIBLE | FAILED | DONE (a reused result);
 * RUNNING → DONE | FAILED | PENDING (requeued); DONE, FAILED and INFEASIBLE are final. Only
 * {@link Store.recordResult} makes a candidate DONE.
 *
 * **Atomicity and concurrency.** Each operation is atomic: a reader never sees half of it. Every
 * status change is a compare-and-set on the current status (`from`), so two engines, or an engine
 * restarted over its own past, cannot both claim one candidate or count one result twice. Several
 * store instances — in one process, in several processes on one SQLite file, or on several
 * machines with MongoDB — may be used at once; one instance may be used by concurrent async calls
 * of one thread. An instance must not be shared between worker threads: open one per thread.
 * Run progress is counted from the candidates when read, so it is always consistent with them.
 *
 * **Durability.** When a write resolves it is durable: it survives the process being killed, and
 * (SQLite with `synchronous = FULL`; MongoDB with majority, journaled write concern) a power loss
 * or the loss of a replica-set minority. {@link Store.recordResult} in particular resolves only
 * once the result is durable, so the engine may count it then.
 *
 * **Ordering.** Ids sort in creation order. `listRuns` returns newest first; `listCandidates`
 * returns candidates in `seq` order (insertion order within a run); `listModels`,
 * `listDatasets` and `listDevices` are sorted by name, then id; `getCandidates` returns them in the order asked.
 *
 * **Idempotence.** `registerModel` of bytes already registered returns the existing model, and
 * `registerDataset` of a sha256 already registered the existing dataset (registering never replaces
 * or removes one: a changed file has another sha256 and becomes another dataset);
 * `putDevice` replaces a device's name and spec; `putArtifact` of stored bytes is a no-op.
 * `createRun` and `insertCandidate` add a new entity on every call. Status changes and front
 * replacements are compare-and-sets, so repeating one raises CONFLICT rather than applying twice.
 */
export interface Store {
  /** Which adapter this is. */
  readonly kind: 'sqlite' | 'mongodb';

  // --- models and devices -------------------------------------------------------------------

  /** Stores the ONNX bytes as an artifact and registers the model (or returns the one with the same sha256). */
  registerModel(input: NewModel): Promise<Model>;
  /** @throws NOT_FOUND */
  getModel(id: string): Promise<Model>;
  /** Models sorted by name, then id; with `name`, only models of that name. */
  listModels(filter?: { readonly name?: string }): Promise<Model[]>;
  /** Registers a dataset (or returns the one with the same sha256). @throws BAD_ARGUMENT for an invalid record. */
  registerDataset(input: NewDatasetRecord): Promise<DatasetRecord>;
  /** @throws NOT_FOUND */
  getDataset(id: string): Promise<DatasetRecord>;
  /** Datasets sorted by name, then id; with `name`, only datasets of that name (oldest first). */
  listDatasets(filter?: { readonly name?: string }): Promise<DatasetRecord[]>;
  /** Inserts or replaces a device (keeping its `createdAt`). */
  putDevice(input: NewDevice): Promise<Device>;
  /** @throws NOT_FOUND */
  getDevice(id: string): Promise<Device>;
  /** Devices sorted by name, then id. */
  listDevices(): Promise<Device[]>;

  // --- runs ----------------------------------------------------------------------------------

  /** Creates a QUEUED run. @throws NOT_FOUND for an unknown model or device; BAD_ARGUMENT for a bad budget or seed. */
  createRun(input: NewRun): Promise<Run>;
  /** @throws NOT_FOUND */
  getRun(id: string): Promise<Run>;
  /** Runs matching every given field, newest first. @throws BAD_ARGUMENT for a limit < 1. */
  listRuns(filter?: RunFilter): Promise<Run[]>;
  /**
   * Compare-and-set on a run's status: applies `to`, `elapsedMs` and `error` only if the status is
   * one of `from`. Sets `startedAt` the first time the run becomes RUNNING and `finishedAt` when it
   * becomes final. @throws NOT_FOUND; CONFLICT; BAD_ARGUMENT for a forbidden transition.
   */
  updateRun(update: RunUpdate): Promise<Run>;

  // --- candidates ----------------------------------------------------------------------------

  /**
   * Adds a candidate to a run with the next `seq`, PENDING or (pre-screened out) INFEASIBLE.
   * The run may have any status. @throws NOT_FOUND for an unknown run.
   */
  insertCandidate(input: NewCandidate): Promise<Candidate>;
  /** @throws NOT_FOUND */
  getCandidate(id: string): Promise<Candidate>;
  /** Candidates in the order of `ids`. @throws NOT_FOUND naming the first unknown id. */
  getCandidates(ids: readonly string[]): Promise<Candidate[]>;
  /** A run's candidates in `seq` order, optionally only those with one of the given statuses. */
  listCandidates(filter: { readonly runId: string; readonly status?: readonly CandidateStatus[] }): Promise<Candidate[]>;
  /**
   * Compare-and-set on a candidate's status. PENDING → RUNNING (a claim) adds 1 to `attempts` and
   * sets `startedAt`; FAILED and INFEASIBLE need a `reason` and set `finishedAt`.
   * @throws NOT_FOUND; CONFLICT; BAD_ARGUMENT for a forbidden transition or a missing reason.
   */
  transitionCandidate(transition: CandidateTransition): Promise<Candidate>;
  /**
   * Makes a candidate DONE with its metrics, artifact and provenance; resolves once that is
   * durable. The artifact must already be stored (put it first: a crash in between leaves an
   * unreferenced artifact, never a result without its model).
   * @throws NOT_FOUND; CONFLICT if the status is not `from`; BAD_ARGUMENT for a missing artifact.
   */
  recordResult(result: CandidateResult): Promise<Candidate>;
  /** Adds the `test` accuracy to a DONE candidate. @throws NOT_FOUND; CONFLICT if not DONE. */
  recordTestAccuracy(input: { readonly id: string; readonly accuracy: number }): Promise<Candidate>;
  /**
   * The earliest DONE candidate, in any run, evaluated from the same model bytes, dataset, device
   * and recipe key — or `undefined` when there is none (not an error: it means "evaluate it").
   * A reused result (one with `reusedFrom`) is not returned; its source is.
   */
  findReusableResult(key: DedupKey): Promise<Candidate | undefined>;
  /**
   * Recovery on start: every candidate left RUNNING in a RUNNING run goes back to PENDING, or to
   * FAILED (reason names the limit) once `attempts >= maxAttempts`. Call it only when no other
   * engine is evaluating those runs. Returns what it changed; a second call finds nothing.
   * @throws BAD_ARGUMENT unless maxAttempts is an integer ≥ 1.
   */
  requeueInterrupted(options: { readonly maxAttempts: number }): Promise<RequeueReport>;

  // --- fronts --------------------------------------------------------------------------------

  /** The front of (model, dataset, device); version 0 and no members if it was never written. */
  getFront(key: FrontKey): Promise<Front>;
  /**
   * Replaces the members if the stored version is still `expectedVersion`, and adds 1 to it.
   * @throws CONFLICT (someone replaced it since it was read: read again and merge);
   * BAD_ARGUMENT if a member is not a DONE candidate of that model, dataset and device.
   */
  replaceFront(replacement: FrontReplacement): Promise<Front>;

  // --- artifacts (content-addressed) ---------------------------------------------------------

  /** Stores bytes under their sha256, durably; storing bytes already present is a no-op. */
  putArtifact(bytes: Uint8Array): Promise<ArtifactRef>;
  /** The bytes, checked against their hash. @throws NOT_FOUND; CORRUPT */
  getArtifact(sha256: string): Promise<Uint8Array>;
  /** A stream of the bytes, for large downloads (not re-hashed). @throws NOT_FOUND */
  openArtifactStream(sha256: string): Promise<Readable>;
  hasArtifact(sha256: string): Promise<boolean>;
  /** Size in bytes. @throws NOT_FOUND */
  artifactSize(sha256: string): Promise<number>;

  /** Releases the connection; later calls reject with CLOSED. Closing twice is a no-op. */
  close(): Promise<void>;
}
