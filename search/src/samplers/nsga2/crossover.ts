import type { Rng } from '@frontier/workers';
import { randomCoordinate } from '../../space/search-space.js';
import type { Gene } from '../../space/gene.js';

/** Distribution index of simulated binary crossover: η_c = 20, as in Deb et al. 2002 (NSGA-II), §VI. */
export const SBX_ETA = 20;

/**
 * Crossover of two parent points of a mixed space, one child:
 *
 * - categorical genes (and technique switches) come from either parent with probability ½
 *   (uniform crossover);
 * - numeric genes, with probability ½ per gene, are blended by simulated binary crossover
 *   (Deb and Agrawal 1995, "Simulated binary crossover for continuous search space", Equation (4)),
 *   bounded to [0, 1]; otherwise taken from either parent. Discrete genes snap to their nearest
 *   level when the child is decoded.
 * - A gene inactive in one parent (its technique was off) comes from the other; inactive in both,
 *   it is drawn uniformly, so switching a technique on yields a fresh setting.
 */
export function crossover(genes: readonly Gene[], a: Float64Array, b: Float64Array, rng: Rng): Float64Array {
  const child = new Float64Array(genes.length);
  for (let g = 0; g < genes.length; g++) {
    const gene = genes[g]!;
    const x = a[g]!;
    const y = b[g]!;
    if (Number.isNaN(x) && Number.isNaN(y)) child[g] = randomCoordinate(gene, rng);
    else if (Number.isNaN(x)) child[g] = y;
    else if (Number.isNaN(y)) child[g] = x;
    else if (gene.kind === 'numeric' && x !== y && rng.next() < 0.5) child[g] = sbx(x, y, rng);
    else child[g] = rng.next() < 0.5 ? x : y;
  }
  return child;
}

/** One SBX child of x and y in [0, 1]: spread factor β from the polynomial distribution, then clamped. */
function sbx(x: number, y: number, rng: Rng): number {
  const u = rng.next();
  const beta = u <= 0.5 ? (2 * u) ** (1 / (SBX_ETA + 1)) : (1 / (2 * (1 - u))) ** (1 / (SBX_ETA + 1));
  const sign = rng.next() < 0.5 ? -1 : 1;
  const child = 0.5 * (x + y) + (sign * 0.5 * beta * (y - x));
  return Math.min(1, Math.max(0, child));
}
