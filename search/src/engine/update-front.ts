import { writeMinimised, type Metric } from '../objectives/objectives.js';
import { paretoFront } from '../pareto/non-dominated-rank.js';
import type { Store } from '../store/store.js';
import { isStoreError } from '../store/store-error.js';
import type { Candidate, Front, FrontKey } from '../store/types.js';
import { trialMetrics } from './trial-metrics.js';

/**
 * The objectives of the stored front of a (model, dataset, device): every trade-off a user may
 * query later, whatever one run optimised. Run-specific limits (max latency …) are filters applied
 * when the front is queried, not reasons to leave a point out.
 */
export const FRONT_OBJECTIVES: readonly Metric[] = ['accuracy', 'latencyMs', 'peakRamBytes', 'deployBytes'];

export interface FrontChange {
  readonly front: Front;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** Indices of the non-dominated candidates among DONE ones, by `FRONT_OBJECTIVES`. */
export function nonDominated(candidates: readonly Candidate[]): number[] {
  const m = FRONT_OBJECTIVES.length;
  const values = new Float64Array(candidates.length * m);
  candidates.forEach((c, i) => writeMinimised(trialMetrics(c.metrics!), FRONT_OBJECTIVES, values, i * m));
  return paretoFront(values, m);
}

const MAX_RETRIES = 8;

/**
 * Offers a DONE candidate (already checked against the device's limits) to the stored front of its
 * key. The front is re-read and replaced with a version check, retried on a concurrent change, so
 * runs sharing a front never lose each other's members. Returns the change, or undefined when the
 * candidate is dominated (or already a member).
 */
export async function offerToFront(store: Store, key: FrontKey, candidate: Candidate): Promise<FrontChange | undefined> {
  for (let attempt = 0; attempt < MAX_RETRIES; attempt++) {
    const front = await store.getFront(key);
    if (front.memberIds.includes(candidate.id)) return undefined;
    const members = await store.getCandidates(front.memberIds);
    const pool = [...members, candidate];
    const keep = nonDominated(pool).map((i) => pool[i]!.id);
    if (!keep.includes(candidate.id)) return undefined;
    try {
      const next = await store.replaceFront({ key, expectedVersion: front.version, memberIds: keep });
      return { front: next, added: [candidate.id], removed: front.memberIds.filter((id) => !keep.includes(id)) };
    } catch (err) {
      if (!isStoreError(err, 'CONFLICT')) throw err;
    }
  }
  throw new Error(`the front of ${key.modelId}/${key.dataset}/${key.deviceId} kept changing; gave up after ${MAX_RETRIES} attempts`);
}
