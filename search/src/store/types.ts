import type { CandidateMetrics, Provenance } from '@frontier/workers';

/**
 * Entities of the Frontier store and the inputs of its operations. Nested data that other parts of
 * Frontier define (recipes, objectives, constraints, search spaces, sampler settings, device specs,
 * op coverage) is kept opaque here as {@link Json}: the store saves and returns it unchanged, and
 * the part that owns the type validates it when it reads it back.
 *
 * Timestamps are ISO 8601 strings in UTC (`2025-01-31T12:00:00.000Z`); ids are strings made by the
 * store (see `newId`), which sort in creation order.
 */

/** A JSON value. Object members that are `undefined` are dropped, as `JSON.stringify` does. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json | undefined };

/** A JSON object. */
export type JsonObject = { readonly [key: string]: Json | undefined };

/**
 * What the store accepts where it keeps JSON: plain data, including values typed by interfaces
 * (which TypeScript does not let match {@link Json}). The store writes it with `JSON.stringify`
 * and returns the parsed {@link Json}; a value that cannot be written as JSON is a BAD_ARGUMENT.
 */
export type JsonInput = Json | object;

// ---------------------------------------------------------------------------------------------
// Models and devices

/** A registered ONNX classifier. Its ONNX bytes are the artifact named by `sha256`. */
export interface Model {
  readonly id: string;
  readonly name: string;
  /** sha256 of the ONNX bytes (lower-case hex); unique among models. */
  readonly sha256: string;
  /** Input shape, batch dimension included as 1, e.g. `[1, 1, 28, 28]`. */
  readonly inputShape: readonly number[];
  /** Number of output classes. */
  readonly classes: number;
  readonly params: number;
  readonly macs: number;
  /** Which layers each technique can touch, as summarised by `@frontier/workers`. */
  readonly coverage: Json;
  /** Accuracy of the unmodified model on `dataset` (`val` split), if it was measured. */
  readonly baseline?: { readonly dataset: string; readonly accuracy: number };
  readonly createdAt: string;
}

/** What {@link Store.registerModel} needs; the store computes the sha256 from `onnx`. */
export interface NewModel {
  readonly name: string;
  readonly onnx: Uint8Array;
  readonly inputShape: readonly number[];
  readonly classes: number;
  readonly params: number;
  readonly macs: number;
  readonly coverage: JsonInput;
  readonly baseline?: { readonly dataset: string; readonly accuracy: number };
}

/**
 * A registered dataset. Its decoded tensors live in a cache file named by `sha256` (see
 * `@frontier/workers`' `registeredDatasetFile`); the store keeps what describes them. Source,
 * splits, preprocessing and the registration report belong to `@frontier/workers` and are kept as JSON.
 */
export interface DatasetRecord {
  readonly id: string;
  readonly name: string;
  /** Provenance hash of the decoded tensors and their preprocessing (lower-case hex); unique among datasets. */
  readonly sha256: string;
  /** Where it was read from: `{kind, path, labelsPath?}`. */
  readonly source: JsonObject;
  /** Image shape [C, H, W] as stored. */
  readonly shape: readonly number[];
  /** Class names in label order, with their image counts. */
  readonly classes: readonly { readonly name: string; readonly count: number }[];
  /** Images per split and how the split was made. */
  readonly splits: JsonObject;
  /** Resize, size, channels, scale, mean and std. */
  readonly preprocessing: JsonObject;
  /** What registration found: files skipped (named, with the reason), images resized, sizes. */
  readonly report: JsonObject;
  readonly createdAt: string;
}

/** What {@link Store.registerDataset} needs. */
export interface NewDatasetRecord {
  readonly name: string;
  readonly sha256: string;
  readonly source: object;
  readonly shape: readonly number[];
  readonly classes: readonly { readonly name: string; readonly count: number }[];
  readonly splits: object;
  readonly preprocessing: object;
  readonly report: object;
}

/** A target device. Its spec belongs to `@frontier/workers`; the store keeps it as JSON. */
export interface Device {
  readonly id: string;
  readonly name: string;
  readonly spec: JsonObject;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What {@link Store.putDevice} needs. Device ids are chosen by the caller (`host`, `stm32h743`). */
export interface NewDevice {
  readonly id: string;
  readonly name: string;
  /** A JSON object. */
  readonly spec: object;
}

// ---------------------------------------------------------------------------------------------
// Runs

export const runStatuses = ['QUEUED', 'RUNNING', 'DONE', 'CANCELLED', 'FAILED'] as const;
export type RunStatus = (typeof runStatuses)[number];

/** How much a run may spend; at least one of the two is set. */
export interface Budget {
  readonly evaluations?: number;
  readonly seconds?: number;
}

/**
 * Counts of a run's candidates. They are counted from the candidates themselves when a run is
 * read, so they can never disagree with them (a resumed run cannot double-count).
 */
export interface RunProgress {
  readonly total: number;
  readonly pending: number;
  readonly running: number;
  readonly done: number;
  readonly failed: number;
  readonly infeasible: number;
  /** DONE candidates whose result was reused from an identical earlier evaluation. */
  readonly reused: number;
}

export interface Run {
  readonly id: string;
  readonly modelId: string;
  readonly dataset: string;
  readonly deviceId: string;
  readonly objectives: Json;
  readonly constraints: Json;
  readonly space: Json;
  readonly sampler: Json;
  readonly budget: Budget;
  readonly seed: number;
  readonly status: RunStatus;
  readonly progress: RunProgress;
  /** Time spent RUNNING, summed over restarts, as last reported by the engine. */
  readonly elapsedMs: number;
  readonly createdAt: string;
  /** When the run first became RUNNING. */
  readonly startedAt?: string;
  /** When the run became DONE, CANCELLED or FAILED. */
  readonly finishedAt?: string;
  readonly error?: string;
}

export interface NewRun {
  readonly modelId: string;
  readonly dataset: string;
  readonly deviceId: string;
  readonly objectives: JsonInput;
  readonly constraints: JsonInput;
  readonly space: JsonInput;
  readonly sampler: JsonInput;
  readonly budget: Budget;
  readonly seed: number;
}

/** Filter of {@link Store.listRuns}; fields combine with AND. */
export interface RunFilter {
  readonly status?: RunStatus | readonly RunStatus[];
  readonly modelId?: string;
  readonly deviceId?: string;
  /** At most this many runs (newest first). */
  readonly limit?: number;
}

/** Input of {@link Store.updateRun}: a compare-and-set on the run's status. */
export interface RunUpdate {
  readonly id: string;
  /** The status the run must have now; one of several if a list. */
  readonly from: RunStatus | readonly RunStatus[];
  /** The new status; the current one if left out. */
  readonly to?: RunStatus;
  readonly elapsedMs?: number;
  /** Why the run failed; required when `to` is FAILED. */
  readonly error?: string;
}

// ---------------------------------------------------------------------------------------------
// Candidates

export const candidateStatuses = ['PENDING', 'RUNNING', 'DONE', 'FAILED', 'INFEASIBLE'] as const;
export type CandidateStatus = (typeof candidateStatuses)[number];

// One metrics type and one provenance type across the thread (and queue) boundary: the worker that
// measures a candidate defines them, the store keeps them.
export type { CandidateMetrics, LatencySource, Provenance } from '@frontier/workers';

/** The pre-screen's analytic estimates, kept so an INFEASIBLE candidate shows why. */
export interface CandidateEstimates {
  readonly latencyMs?: number;
  readonly peakRamBytes?: number;
  readonly deployBytes?: number;
  readonly params?: number;
  readonly macs?: number;
}

/** Where a result came from, so that it can be reproduced. */
export interface Candidate {
  readonly id: string;
  readonly runId: string;
  /** Position in its run, in insertion order: strictly increasing within a run, from 0. */
  readonly seq: number;
  /** Copied from the run at insert, so that results can be found across runs. */
  readonly modelId: string;
  readonly modelSha256: string;
  readonly dataset: string;
  readonly deviceId: string;
  readonly recipe: Json;
  /** Canonical string of the recipe: equal keys mean the same configuration. */
  readonly recipeKey: string;
  readonly status: CandidateStatus;
  /** How many times an evaluation of it was started (PENDING → RUNNING). */
  readonly attempts: number;
  readonly estimates?: CandidateEstimates;
  readonly metrics?: CandidateMetrics;
  readonly artifactSha256?: string;
  readonly provenance?: Provenance;
  /** The DONE candidate whose result this one reuses. */
  readonly reusedFrom?: string;
  /** Why it FAILED or is INFEASIBLE. */
  readonly failureReason?: string;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

export interface NewCandidate {
  readonly runId: string;
  readonly recipe: JsonInput;
  readonly recipeKey: string;
  /** PENDING (default), or INFEASIBLE when the pre-screen rejected it (then `reason` is required). */
  readonly status?: 'PENDING' | 'INFEASIBLE';
  readonly reason?: string;
  readonly estimates?: CandidateEstimates;
}

/** Input of {@link Store.transitionCandidate}: a compare-and-set on the candidate's status. */
export interface CandidateTransition {
  readonly id: string;
  readonly from: CandidateStatus;
  readonly to: 'PENDING' | 'RUNNING' | 'FAILED' | 'INFEASIBLE';
  /** Required for FAILED and INFEASIBLE. */
  readonly reason?: string;
}

/** Input of {@link Store.recordResult}. */
export interface CandidateResult {
  readonly id: string;
  /** The status the candidate must have now: RUNNING (default), or PENDING for a reused result. */
  readonly from?: 'RUNNING' | 'PENDING';
  readonly metrics: CandidateMetrics;
  /** The compressed model; it must already be in the artifact store. */
  readonly artifactSha256: string;
  readonly provenance: Provenance;
  readonly reusedFrom?: string;
}

/** Identifies one evaluation across runs: same model bytes, dataset, device and recipe. */
export interface DedupKey {
  readonly modelSha256: string;
  readonly dataset: string;
  readonly deviceId: string;
  readonly recipeKey: string;
}

/** What {@link Store.requeueInterrupted} changed. */
export interface RequeueReport {
  /** Candidates put back to PENDING. */
  readonly requeued: readonly Candidate[];
  /** Candidates that reached the retry limit and are now FAILED. */
  readonly failed: readonly Candidate[];
}

// ---------------------------------------------------------------------------------------------
// Fronts and artifacts

export interface FrontKey {
  readonly modelId: string;
  readonly dataset: string;
  readonly deviceId: string;
}

/** The non-dominated feasible candidates of one (model, dataset, device), across runs. */
export interface Front extends FrontKey {
  readonly memberIds: readonly string[];
  /** 0 for a front never written; each replace adds 1. */
  readonly version: number;
  readonly updatedAt?: string;
}

export interface FrontReplacement {
  readonly key: FrontKey;
  /** The version the caller read; the replace fails with CONFLICT if it changed since. */
  readonly expectedVersion: number;
  readonly memberIds: readonly string[];
}

export interface ArtifactRef {
  readonly sha256: string;
  readonly size: number;
}
