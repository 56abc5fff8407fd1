import type { Constraints } from '../objectives/objectives.js';
import type { CandidateEstimates } from '../store/types.js';

/** What a device holds: the limits every candidate must respect, whatever the run asks. */
export interface DeviceLimits {
  readonly ramBytes: number;
  readonly flashBytes: number;
}

export interface ScreenOptions {
  readonly constraints: Constraints;
  readonly device: DeviceLimits;
  /**
   * Relative slack given to an estimated latency before it rules a recipe out. 0 where the run's
   * latency is itself the prediction (every device but the host); on the host, where latency is
   * measured, the predictor's error band, so the pre-screen never discards a recipe the
   * measurement would have accepted.
   */
  readonly latencySlack: number;
}

/**
 * Why analytic estimates rule a recipe out (an empty list: it may be feasible). Size and RAM are
 * exact functions of the compressed structure; latency is a prediction, given `latencySlack`.
 */
export function screenViolations(e: CandidateEstimates, o: ScreenOptions): string[] {
  const out: string[] = [];
  const over = (label: string, value: number | undefined, limit: number | undefined, slack = 0) => {
    if (value !== undefined && limit !== undefined && value > limit * (1 + slack)) {
      out.push(`${label} ${fmt(value)} > ${fmt(limit)}${slack ? ` (+${Math.round(slack * 100)}% slack)` : ''}`);
    }
  };
  over('estimated peak RAM bytes', e.peakRamBytes, o.device.ramBytes);
  over('estimated deploy bytes', e.deployBytes, o.device.flashBytes);
  over('estimated peak RAM bytes', e.peakRamBytes, o.constraints.maxRamBytes);
  over('estimated deploy bytes', e.deployBytes, o.constraints.maxFlashBytes);
  over('estimated latency ms', e.latencyMs, o.constraints.maxLatencyMs, o.latencySlack);
  return out;
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toPrecision(4);
}

/** What the pre-screen learns of a recipe without compressing it. */
export interface PreScreen {
  readonly estimates: CandidateEstimates;
  /** Why the device cannot run the compressed model at all (a precision it lacks): the recipe is infeasible. */
  readonly unsupported?: string;
}
