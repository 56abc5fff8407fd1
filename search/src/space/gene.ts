import { canonicalNumber } from '@frontier/workers';
import type { Technique } from '@frontier/workers';
import type { Choice } from './space-spec.js';

interface GeneBase {
  /** `technique` for an on/off switch, `technique.param` for a parameter. */
  readonly name: string;
  readonly technique: Technique;
  /** The recipe field; undefined for the technique's on/off switch. */
  readonly param: string | undefined;
}

/** An unordered choice; its coordinate is the index of the choice. */
export interface CategoricalGene extends GeneBase {
  readonly kind: 'categorical';
  readonly choices: readonly Choice[];
}

/**
 * An ordered number; its coordinate is u ∈ [0, 1]. With `levels` the gene is discrete and evenly
 * spaced in u (value lists, stepped ranges, linear integer ranges): level j sits at j / (L − 1).
 * Without, u maps linearly (or logarithmically) onto [low, high], rounded for integer genes.
 */
export interface NumericGene extends GeneBase {
  readonly kind: 'numeric';
  readonly low: number;
  readonly high: number;
  readonly log: boolean;
  readonly integer: boolean;
  readonly levels: readonly number[] | undefined;
}

export type Gene = CategoricalGene | NumericGene;

/** How many values a gene takes; Infinity for a continuous one. */
export function geneCardinality(gene: Gene): number {
  if (gene.kind === 'categorical') return gene.choices.length;
  if (gene.levels) return gene.levels.length;
  return gene.integer ? gene.high - gene.low + 1 : Infinity;
}

/** Every value of a discrete gene, in coordinate order. */
export function geneValues(gene: Gene): readonly Choice[] {
  if (gene.kind === 'categorical') return gene.choices;
  if (gene.levels) return gene.levels;
  const values: number[] = [];
  for (let v = gene.low; v <= gene.high; v++) values.push(v);
  return values;
}

/** The value at coordinate `x` (an index for a categorical gene, u ∈ [0, 1] for a numeric one). */
export function geneValue(gene: Gene, x: number): Choice {
  if (gene.kind === 'categorical') return gene.choices[clampIndex(Math.round(x), gene.choices.length)]!;
  const u = Math.min(1, Math.max(0, x));
  if (gene.levels) return gene.levels[clampIndex(Math.round(u * (gene.levels.length - 1)), gene.levels.length)]!;
  const t = gene.log
    ? Math.exp(Math.log(gene.low) + u * (Math.log(gene.high) - Math.log(gene.low)))
    : gene.low + u * (gene.high - gene.low);
  const v = gene.integer ? Math.round(t) : canonicalNumber(t);
  // Bounds are canonical numbers, so rounding cannot leave [low, high]; exp∘log can, by an ulp.
  return Math.min(gene.high, Math.max(gene.low, v));
}

/** The coordinate of `value`, or undefined when the gene cannot take it. */
export function geneCoordinate(gene: Gene, value: Choice): number | undefined {
  if (gene.kind === 'categorical') {
    const i = gene.choices.indexOf(value);
    return i >= 0 ? i : undefined;
  }
  if (typeof value !== 'number') return undefined;
  if (gene.levels) {
    const j = gene.levels.findIndex((l) => Math.abs(l - value) <= 1e-9 * Math.max(1, Math.abs(l)));
    return j >= 0 ? j / (gene.levels.length - 1) : undefined;
  }
  if (value < gene.low || value > gene.high || (gene.integer && !Number.isInteger(value))) return undefined;
  return gene.log
    ? (Math.log(value) - Math.log(gene.low)) / (Math.log(gene.high) - Math.log(gene.low))
    : (value - gene.low) / (gene.high - gene.low);
}

function clampIndex(i: number, n: number): number {
  return Math.min(n - 1, Math.max(0, i));
}
