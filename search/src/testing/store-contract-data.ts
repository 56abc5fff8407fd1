// Sample entities and small helpers for the store contract suite.
import assert from 'node:assert/strict';
import type { Store } from '../store/store.js';
import { isStoreError } from '../store/store-error.js';
import type { StoreErrorCode } from '../store/store-error.js';
import type { Candidate, CandidateMetrics, Device, Model, NewDatasetRecord, NewModel, NewRun, Provenance, Run } from '../store/types.js';

/** A store opened over one fixture's data; `open` may be called again to reopen the same data. */
export interface StoreFixture {
  open(): Promise<Store>;
  /** Deletes the fixture's data (its stores are closed first). */
  dispose(): Promise<void>;
}

/** Makes a fixture with empty data. */
export type StoreFixtureFactory = () => Promise<StoreFixture>;

/** Declares one contract test: `body` gets an open store over fresh data, and its fixture. */
export type ContractCase = (title: string, body: (store: Store, fixture: StoreFixture) => Promise<void>) => void;

/** Asserts that `promise` rejects with a StoreError of `code`; returns the error. */
export async function rejectsWith(code: StoreErrorCode, promise: Promise<unknown>): Promise<Error> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(isStoreError(caught, code), `expected StoreError ${code}, got ${String(caught)}`);
  return caught;
}

/** Model inputs; the store treats the ONNX bytes as opaque, so any distinct bytes will do. */
export function sampleModel(name: string): NewModel {
  return {
    name,
    onnx: new TextEncoder().encode(`onnx bytes of ${name}`),
    inputShape: [1, 1, 28, 28],
    classes: 10,
    params: 101_770,
    macs: 101_632,
    coverage: { fc1: ['lowRank', 'prune', 'quantWeights'], fc2: ['prune'] },
    baseline: { dataset: 'fashion-mnist', accuracy: 0.875 },
  };
}

/** Dataset record inputs; `sha256` is derived from the name so that each name is distinct content. */
export function sampleDataset(name: string, hexDigit = '1'): NewDatasetRecord {
  return {
    name,
    sha256: hexDigit.repeat(64),
    source: { kind: 'image-folder', path: `/data/${name}` },
    shape: [3, 32, 32],
    classes: [{ name: 'cat', count: 120 }, { name: 'dog', count: 80 }],
    splits: { fit: 160, val: 20, test: 20, from: 'seeded', valFraction: 0.1, testFraction: 0.1, seed: 0 },
    preprocessing: { resize: 'crop', size: [32, 32], channels: 3, scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    report: { skipped: [{ file: 'cat/notes.txt', reason: 'not an image file' }], resized: 3, sizes: [{ size: '32×32', count: 197 }] },
  };
}

export function sampleRun(modelId: string, deviceId: string, seed = 7): NewRun {
  return {
    modelId,
    dataset: 'fashion-mnist',
    deviceId,
    objectives: ['accuracy:max', 'latency:min'],
    constraints: { maxLatencyMs: 20, maxRamBytes: 524_288 },
    space: { prune: { ratio: [0, 0.9] }, quant: { weightBits: [2, 4, 8] } },
    sampler: { name: 'nsga2', populationSize: 8 },
    budget: { evaluations: 50, seconds: 600 },
    seed,
  };
}

export function sampleMetrics(accuracy: number): CandidateMetrics {
  return {
    accuracy: { val: accuracy },
    latency: { ms: 3.25, source: 'MEASURED' },
    peakRamBytes: 12_544,
    modelBytes: 409_000,
    deployBytes: 51_200,
    params: 101_770,
    nonzeroParams: 50_885,
    macs: 101_632,
  };
}

export function sampleProvenance(modelSha256: string): Provenance {
  return {
    modelSha256,
    datasetSha256: 'ab'.repeat(32),
    versions: { frontier: '0.1.0', 'onnxruntime-node': '1.30.0' },
    seed: 7,
    timings: { compress: 120.5, evaluate: 840.25 },
  };
}

export interface Scene {
  readonly model: Model;
  readonly device: Device;
  readonly run: Run;
}

/** A registered model and device and a RUNNING run over them. */
export async function scene(store: Store, options: { modelName?: string; deviceId?: string } = {}): Promise<Scene> {
  const model = await store.registerModel(sampleModel(options.modelName ?? 'fashion-mlp'));
  const device = await store.putDevice({ id: options.deviceId ?? 'stm32h743', name: 'STM32H743', spec: { ramBytes: 1_048_576 } });
  const queued = await store.createRun(sampleRun(model.id, device.id));
  const run = await store.updateRun({ id: queued.id, from: 'QUEUED', to: 'RUNNING' });
  return { model, device, run };
}

/** Inserts, claims and records a result for a recipe; the artifact's bytes are unique to the key. */
export async function evaluated(store: Store, runId: string, recipeKey: string, accuracy = 0.85): Promise<Candidate> {
  const candidate = await store.insertCandidate({ runId, recipe: { key: recipeKey }, recipeKey });
  await store.transitionCandidate({ id: candidate.id, from: 'PENDING', to: 'RUNNING' });
  const artifact = await store.putArtifact(new TextEncoder().encode(`compressed ${runId} ${recipeKey}`));
  return store.recordResult({
    id: candidate.id,
    metrics: sampleMetrics(accuracy),
    artifactSha256: artifact.sha256,
    provenance: sampleProvenance(candidate.modelSha256),
  });
}

/** Inserts a candidate and claims it (RUNNING, attempts 1). */
export async function claimed(store: Store, runId: string, recipeKey: string): Promise<Candidate> {
  const candidate = await store.insertCandidate({ runId, recipe: { key: recipeKey }, recipeKey });
  return store.transitionCandidate({ id: candidate.id, from: 'PENDING', to: 'RUNNING' });
}
