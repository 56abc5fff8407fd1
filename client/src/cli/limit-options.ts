import { parseConstraints, type Constraints } from '@frontier/search';

/** The limit flags `search` and `front` share (`--max-latency-ms`, `--max-ram-kb`, `--max-flash-kb`, `--min-accuracy`). */
export interface LimitOptions {
  readonly maxLatencyMs?: number;
  readonly maxRamKb?: number;
  readonly maxFlashKb?: number;
  readonly minAccuracy?: number;
}

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
export function limitInput(o: LimitOptions): { maxLatencyMs?: number; maxRamKb?: number; maxFlashKb?: number; minAccuracy?: number } {
  limitConstraints(o);
  return {
    ...(o.maxLatencyMs !== undefined ? { maxLatencyMs: o.maxLatencyMs } : {}),
    ...(o.maxRamKb !== undefined ? { maxRamKb: o.maxRamKb } : {}),
    ...(o.maxFlashKb !== undefined ? { maxFlashKb: o.maxFlashKb } : {}),
    ...(o.minAccuracy !== undefined ? { minAccuracy: o.minAccuracy } : {}),
  };
}
