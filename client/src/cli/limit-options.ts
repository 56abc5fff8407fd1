import { parseConstraints, type Constraints } from '@frontier/search';
import type { SelectConstraints } from '../select/lock-file.js';

/**
 * The limit flags `search`, `front` and `select` share (`--max-latency-ms`, `--max-ram-kb`,
 * `--max-flash-kb`, `--min-accuracy`): the API's `ConstraintsInput`.
 */
export type LimitOptions = SelectConstraints;

/** The constraints the limit flags give (KiB become bytes), validated. */
export function limitConstraints(o: LimitOptions): Constraints {
  return parseConstraints({
    ...(o.maxLatencyMs !== undefined ? { maxLatencyMs: o.maxLatencyMs } : {}),
    ...(o.maxRamKb !== undefined ? { maxRamBytes: Math.round(o.maxRamKb * 1024) } : {}),
    ...(o.maxFlashKb !== undefined ? { maxFlashBytes: Math.round(o.maxFlashKb * 1024) } : {}),
    ...(o.minAccuracy !== undefined ? { minAccuracy: o.minAccuracy } : {}),
  });
}

/** The limit flags as the API's `ConstraintsInput` (memory in KiB), validated the same way. */
export function limitInput(o: LimitOptions): LimitOptions {
  limitConstraints(o);
  return {
    ...(o.maxLatencyMs !== undefined ? { maxLatencyMs: o.maxLatencyMs } : {}),
    ...(o.maxRamKb !== undefined ? { maxRamKb: o.maxRamKb } : {}),
    ...(o.maxFlashKb !== undefined ? { maxFlashKb: o.maxFlashKb } : {}),
    ...(o.minAccuracy !== undefined ? { minAccuracy: o.minAccuracy } : {}),
  };
}
