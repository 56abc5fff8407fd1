import { WorkersError } from '../errors.js';

/**
 * Learning-rate schedule over the steps of a run, as a multiple of the base rate:
 * - `constant`;
 * - `cosine`: a linear warm-up over `warmupSteps`, then ½(1 + cos(π·t/T)) down to 0
 *   (I. Loshchilov and F. Hutter, "SGDR", ICLR 2017, eq. 5 without restarts);
 * - `step`: × `gamma` every `everySteps` steps.
 */
export type ScheduleSpec =
  | { readonly kind: 'constant' }
  | { readonly kind: 'cosine'; readonly warmupSteps?: number }
  | { readonly kind: 'step'; readonly everySteps: number; readonly gamma: number };

/** The learning-rate multiplier at `step` (0-based) of `totalSteps`. */
export function learningRateFactor(spec: ScheduleSpec, step: number, totalSteps: number): number {
  switch (spec.kind) {
    case 'constant':
      return 1;
    case 'cosine': {
      const warm = spec.warmupSteps ?? 0;
      if (step < warm) return (step + 1) / warm;
      const span = Math.max(1, totalSteps - warm);
      return 0.5 * (1 + Math.cos((Math.PI * Math.min(step - warm, span)) / span));
    }
    case 'step':
      if (!(spec.everySteps >= 1)) throw new WorkersError('BAD_ARGUMENT', `everySteps must be ≥ 1, got ${spec.everySteps}`);
      return spec.gamma ** Math.floor(step / spec.everySteps);
  }
}
