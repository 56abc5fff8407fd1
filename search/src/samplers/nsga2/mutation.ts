import type { Rng } from '@frontier/workers';
import type { Gene } from '../../space/gene.js';

/** Distribution index of polynomial mutation: η_m = 20, as in Deb et al. 2002 (NSGA-II), §VI. */
export const POLYNOMIAL_ETA = 20;

/**
 * Mutates each gene of `point` in place with probability `rate`:
 *
 * - categorical: another choice, uniformly;
 * - discrete numeric (L levels): one level up or down with probability ½, otherwise a uniformly
 *   drawn other level — polynomial mutation with η = 20 almost never leaves a level when L is small;
 * - continuous numeric: polynomial mutation (Deb and Goyal 1996, "A combined genetic adaptive
 *   search (GeneAS) for engineering design"), the bounded form of Deb's NSGA-II code.
 */
export function mutate(genes: readonly Gene[], point: Float64Array, rate: number, rng: Rng): void {
  for (let g = 0; g < genes.length; g++) {
    if (rng.next() >= rate) continue;
    const gene = genes[g]!;
    const x = point[g]!;
    if (gene.kind === 'categorical') {
      const n = gene.choices.length;
      point[g] = Number.isNaN(x) ? rng.int(n) : (Math.round(x) + 1 + rng.int(n - 1)) % n;
    } else if (gene.levels) {
      const top = gene.levels.length - 1;
      const level = Number.isNaN(x) ? rng.int(top + 1) : Math.round(x * top);
      let next: number;
      if (rng.next() < 0.5) next = level === 0 ? 1 : level === top ? top - 1 : level + (rng.next() < 0.5 ? -1 : 1);
      else next = (level + 1 + rng.int(top)) % (top + 1);
      point[g] = next / top;
    } else {
      point[g] = Number.isNaN(x) ? rng.next() : polynomial(x, rng);
    }
  }
}

function polynomial(x: number, rng: Rng): number {
  const u = rng.next();
  const power = 1 / (POLYNOMIAL_ETA + 1);
  const delta =
    u < 0.5
      ? (2 * u + (1 - 2 * u) * (1 - x) ** (POLYNOMIAL_ETA + 1)) ** power - 1
      : 1 - (2 * (1 - u) + 2 * (u - 0.5) * x ** (POLYNOMIAL_ETA + 1)) ** power;
  return Math.min(1, Math.max(0, x + delta));
}
