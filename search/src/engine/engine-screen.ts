import type { Constraints } from '../objectives/objectives.js';
import type { Recipe } from '@frontier/workers';
import type { RecipeScreen, ScreenedRecipe } from '../samplers/sampler.js';
import { screenViolations, type DeviceLimits, type PreScreen } from './screen.js';

export interface EngineScreenOptions {
  /** The engine's pre-screen of one recipe (off the event loop, in a worker). */
  readonly estimate: (recipe: Recipe) => Promise<PreScreen>;
  readonly constraints: Constraints;
  readonly device: DeviceLimits;
  readonly latencySlack: number;
}

/**
 * The engine's pre-screen as a sampler sees it: the analytic estimates of a batch of recipes, run
 * concurrently, and the limits each breaks. Sizes, RAM and MACs are exact; latency is given only
 * where it is itself the run's figure (latencySlack 0: a predicted device), not where the host's
 * measurement will replace it. A recipe the device cannot run, or whose estimate fails, is ruled
 * out with the reason.
 */
export function engineScreen(o: EngineScreenOptions): RecipeScreen {
  return (recipes) =>
    Promise.all(
      recipes.map(async (recipe): Promise<ScreenedRecipe> => {
        try {
          const screened = await o.estimate(recipe);
          if (screened.unsupported !== undefined) return { metrics: {}, violations: [screened.unsupported] };
          const { latencyMs, ...exact } = screened.estimates;
          const metrics = o.latencySlack === 0 && latencyMs !== undefined ? { ...exact, latencyMs } : exact;
          return { metrics, violations: screenViolations(screened.estimates, o) };
        } catch (err) {
          return { metrics: {}, violations: [`pre-screen failed: ${err instanceof Error ? err.message : String(err)}`] };
        }
      }),
    );
}
