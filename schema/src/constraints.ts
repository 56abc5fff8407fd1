import { parseConstraints, type ConstraintMiss, type Constraints } from '@frontier/search';

/** `ConstraintsInput` as GraphQL takes it: memory limits in KiB. */
export interface ConstraintsArgs {
  readonly maxLatencyMs?: number | null;
  readonly maxRamKb?: number | null;
  readonly maxFlashKb?: number | null;
  readonly minAccuracy?: number | null;
}

const KIB = 1024;

/** The search's constraints (bytes) from GraphQL's (KiB), validated. @throws SearchError BAD_ARGUMENT */
export function toSearchConstraints(args: ConstraintsArgs | null | undefined): Constraints {
  const a = args ?? {};
  return parseConstraints({
    ...(a.maxLatencyMs != null ? { maxLatencyMs: a.maxLatencyMs } : {}),
    ...(a.maxRamKb != null ? { maxRamBytes: a.maxRamKb * KIB } : {}),
    ...(a.maxFlashKb != null ? { maxFlashBytes: a.maxFlashKb * KIB } : {}),
    ...(a.minAccuracy != null ? { minAccuracy: a.minAccuracy } : {}),
  });
}

/** The search's constraints in GraphQL's units. */
export function toConstraintsArgs(c: Constraints): ConstraintsArgs {
  return {
    ...(c.maxLatencyMs !== undefined ? { maxLatencyMs: c.maxLatencyMs } : {}),
    ...(c.maxRamBytes !== undefined ? { maxRamKb: c.maxRamBytes / KIB } : {}),
    ...(c.maxFlashBytes !== undefined ? { maxFlashKb: c.maxFlashBytes / KIB } : {}),
    ...(c.minAccuracy !== undefined ? { minAccuracy: c.minAccuracy } : {}),
  };
}

/** A missed limit named and measured as the caller wrote it (`maxRamKb` in KiB). */
export interface ConstraintMissView {
  readonly constraint: keyof ConstraintsArgs;
  readonly limit: number;
  readonly value: number;
  readonly excess: number;
  readonly relative: number;
}

const NAMES = { maxLatencyMs: 'maxLatencyMs', maxRamBytes: 'maxRamKb', maxFlashBytes: 'maxFlashKb', minAccuracy: 'minAccuracy' } as const;

/** A miss in GraphQL's names and units. */
export function toMissView(miss: ConstraintMiss): ConstraintMissView {
  const scale = miss.constraint === 'maxRamBytes' || miss.constraint === 'maxFlashBytes' ? KIB : 1;
  return { constraint: NAMES[miss.constraint], limit: miss.limit / scale, value: miss.value / scale, excess: miss.excess / scale, relative: miss.relative };
}
