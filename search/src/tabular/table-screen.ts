import { constraintViolation, METRICS, type Constraints, type Metric } from '../objectives/objectives.js';
import type { RecipeScreen } from '../samplers/sampler.js';
import type { TabularBenchmark } from './table.js';

export interface TableScreenOptions {
  readonly table: TabularBenchmark;
  readonly constraints: Constraints;
  /** Metrics a pre-screen cannot give (default accuracy alone; add latencyMs for a table measured on the host). */
  readonly expensive?: readonly Metric[];
  /** Called once per screen call with the number of recipes screened, for cost accounting. */
  readonly onCall?: (recipes: number) => void;
}

/**
 * The pre-screen of a tabular benchmark: a recipe's cheap metrics straight from its row (what the
 * engine's analytic estimates compute exactly), with the constraints they already break. The
 * expensive metrics are left out, as the engine's pre-screen cannot know them.
 */
export function tableScreen(options: TableScreenOptions): RecipeScreen {
  const expensive = new Set<Metric>(options.expensive ?? ['accuracy']);
  return (recipes) => {
    options.onCall?.(recipes.length);
    return Promise.resolve(
      recipes.map((recipe) => {
        const row = options.table.lookup(recipe);
        const metrics: Record<string, number> = {};
        for (const m of METRICS) if (!expensive.has(m) && row[m] !== undefined) metrics[m] = row[m];
        const violation = constraintViolation(metrics, options.constraints);
        return { metrics, violations: violation > 0 ? [`violates the constraints by ${violation.toPrecision(3)} (relative)`] : [] };
      }),
    );
  };
}
