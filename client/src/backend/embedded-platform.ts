import { createRequire } from 'node:module';
import type { DatasetRecord, Device, NewDataset, Run, SearchService, Store } from '@frontier/search';
import { publicError, type HealthInfo, type Platform } from '@frontier/schema';
import type { DeviceSpec } from '@frontier/workers';

const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
const FINAL = new Set(['DONE', 'CANCELLED', 'FAILED']);

/**
 * The schema's platform over the embedded store, for the CLI's embedded mode: no engine runs here
 * (an embedded search runs in `frontier search` itself), so there are no live events, and a cancel
 * marks a QUEUED or interrupted run CANCELLED so that no later start resumes it.
 */
export class EmbeddedPlatform implements Platform {
  constructor(
    private readonly store: Store,
    private readonly service: SearchService,
  ) {}

  async health(): Promise<HealthInfo> {
    return { ok: true, version: VERSION, store: this.store.kind, poolThreads: 0, runsActive: 0 };
  }

  async registerDevice(spec: unknown): Promise<Device> {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw publicError('BAD_USER_INPUT', `spec must be a device spec object, got ${JSON.stringify(spec)}`);
    const valid = await this.service.registerDevice(spec as DeviceSpec);
    return this.store.getDevice(valid.id);
  }

  /** Registers a dataset from files on this machine (decoded and cached once), as a server does. */
  async registerDataset(input: NewDataset): Promise<DatasetRecord> {
    return this.service.registerDataset(input);
  }

  async startSearch(): Promise<Run> {
    throw publicError('BAD_USER_INPUT', 'an embedded search runs in `frontier search` itself; give --api URL to start one on a server');
  }

  async cancelSearch(runId: string): Promise<Run> {
    const run = await this.store.getRun(runId);
    if (FINAL.has(run.status)) throw publicError('BAD_USER_INPUT', `run ${runId} is already ${run.status}; only a QUEUED or RUNNING run can be cancelled`);
    return this.store.updateRun({ id: runId, from: ['QUEUED', 'RUNNING'], to: 'CANCELLED' });
  }

  subscribe(): () => void {
    return () => {};
  }
}
