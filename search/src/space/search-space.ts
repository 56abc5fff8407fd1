import { SearchError } from '../errors.js';
import { canonicalRecipe, isRelevant, RECIPE_PARAMS, recipeKey, recipeProblem, show, validateRecipe, type Recipe, type Technique } from '@frontier/workers';
import type { Rng } from '@frontier/workers';
import { geneCardinality, geneCoordinate, geneValue, geneValues, type Gene } from './gene.js';
import type { Choice, SpaceSpec } from './space-spec.js';

/** A technique's spaces of this size or less are enumerated (for `size` and grid search). */
const MAX_ENUMERATED_PER_TECHNIQUE = 1_000_000;

/** Where one recipe field comes from: a fixed value or a gene. */
export interface ParamLayout {
  readonly param: string;
  readonly fixed?: Choice;
  readonly gene?: number;
}

/** One technique of a space: its on/off gene (when optional) and its fields. */
export interface TechniqueLayout {
  readonly technique: Technique;
  readonly optional: boolean;
  readonly switchGene: number | undefined;
  readonly params: readonly ParamLayout[];
}

type Fields = Record<string, Choice>;

/**
 * A validated search space (made by `defineSpace`). Samplers work on points: a Float64Array with
 * one coordinate per gene — a choice index for categorical genes (a technique's on/off switch is
 * one: 0 off, 1 on), u ∈ [0, 1] for numeric ones. `encode` writes NaN for the genes of a
 * technique that is off; `decode` ignores them.
 */
export class SearchSpace {
  readonly genes: readonly Gene[];
  readonly layouts: readonly TechniqueLayout[];
  /**
   * How many distinct valid recipes the space holds; Infinity when a parameter is continuous or
   * a technique has more than a million combinations.
   */
  readonly size: number;
  private readonly spec: SpaceSpec;
  /** Per technique, its distinct valid settings (undefined = off), when enumerable. */
  private readonly options: readonly (readonly (Fields | undefined)[])[] | undefined;

  /** Use `defineSpace`, which validates. */
  constructor(layouts: readonly TechniqueLayout[], genes: readonly Gene[], spec: SpaceSpec) {
    this.layouts = layouts;
    this.genes = genes;
    this.spec = JSON.parse(JSON.stringify(spec)) as SpaceSpec;
    const options = layouts.map((l) => this.enumerateTechnique(l));
    this.options = options.every((o) => o !== undefined) ? options : undefined;
    this.size = this.options ? this.options.reduce((n, o) => n * o.length, 1) : Infinity;
  }

  get dimension(): number {
    return this.genes.length;
  }

  /** The space as the user gave it (validated), to store with a run and define again. */
  toJSON(): SpaceSpec {
    return this.spec;
  }

  /** The recipe at `point`, in canonical form. Throws `BAD_RECIPE` for an invalid combination. */
  decode(point: Float64Array): Recipe {
    return canonicalRecipe(validateRecipe(this.decodeFields(point)));
  }

  /** Whether `point` decodes to a valid recipe (e.g. not 16-bit weights with int8 activations). */
  isValidPoint(point: Float64Array): boolean {
    return recipeProblem(this.decodeFields(point)) === undefined;
  }

  /** The point of a recipe of this space (NaN for the genes of techniques that are off). */
  encode(recipe: Recipe): Float64Array {
    const point = new Float64Array(this.genes.length).fill(Number.NaN);
    const problem = this.encodeInto(recipe, point);
    if (problem !== undefined) throw new SearchError('BAD_RECIPE', `recipe ${recipeKey(recipe)} is outside the space: ${problem}`, { recipe });
    return point;
  }

  /** Why `recipe` is not a recipe of this space, or undefined when it is one. */
  whyOutside(recipe: Recipe): string | undefined {
    const problem = recipeProblem(recipe);
    return problem ?? this.encodeInto(recipe, new Float64Array(this.genes.length));
  }

  contains(recipe: Recipe): boolean {
    return this.whyOutside(recipe) === undefined;
  }

  /** A point with every gene drawn uniformly (over choices, levels or [0, 1]). */
  randomPoint(rng: Rng): Float64Array {
    const point = new Float64Array(this.genes.length);
    for (let g = 0; g < this.genes.length; g++) point[g] = randomCoordinate(this.genes[g]!, rng);
    return point;
  }

  /**
   * The recipe number `index` of a finite space, 0 ≤ index < size: a mixed-radix number whose
   * digits pick each technique's setting (digit 0 is "off" for an optional technique).
   */
  recipeAt(index: number): Recipe {
    if (!this.options) throw new SearchError('BAD_SPACE', 'the space is not finite: every parameter needs a step or a list of values');
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new SearchError('BAD_ARGUMENT', `index must be an integer in [0, ${this.size}), got ${index}`);
    }
    const recipe: Record<string, Fields> = {};
    let rest = index;
    for (let t = this.layouts.length - 1; t >= 0; t--) {
      const opts = this.options[t]!;
      const fields = opts[rest % opts.length];
      rest = Math.floor(rest / opts.length);
      if (fields) recipe[this.layouts[t]!.technique] = fields;
    }
    return canonicalRecipe(recipe);
  }

  private decodeFields(point: Float64Array): Record<string, Fields> {
    if (point.length !== this.genes.length) {
      throw new SearchError('BAD_ARGUMENT', `point must have ${this.genes.length} coordinates, got ${point.length}`);
    }
    const recipe: Record<string, Fields> = {};
    for (const layout of this.layouts) {
      if (layout.switchGene !== undefined && geneValue(this.genes[layout.switchGene]!, point[layout.switchGene]!) !== true) continue;
      const fields: Fields = {};
      for (const p of layout.params) {
        if (p.gene === undefined) fields[p.param] = p.fixed!;
        else if (!Number.isNaN(point[p.gene]!)) fields[p.param] = geneValue(this.genes[p.gene]!, point[p.gene]!);
      }
      recipe[layout.technique] = fields;
    }
    return recipe;
  }

  private encodeInto(recipe: Recipe, point: Float64Array): string | undefined {
    const given = recipe as Record<string, Readonly<Fields> | undefined>;
    for (const technique of Object.keys(given)) {
      if (given[technique] !== undefined && !this.layouts.some((l) => l.technique === technique)) {
        return `it applies ${technique}, which the space leaves out`;
      }
    }
    for (const layout of this.layouts) {
      const fields = given[layout.technique];
      if (layout.switchGene !== undefined) point[layout.switchGene] = fields ? 1 : 0;
      if (!fields) {
        if (!layout.optional) return `it leaves out ${layout.technique}, which the space always applies`;
        continue;
      }
      for (const key of Object.keys(fields)) {
        if (!layout.params.some((p) => p.param === key)) return `${layout.technique}.${key} is not a parameter of the space`;
      }
      for (const p of layout.params) {
        if (!isRelevant(layout.technique, p.param, fields)) {
          if (p.gene !== undefined) point[p.gene] = Number.NaN;
          continue;
        }
        const value = fields[p.param] ?? RECIPE_PARAMS[layout.technique][p.param]?.kernelDefault;
        const name = `${layout.technique}.${p.param}`;
        if (value === undefined) return `${name} is missing`;
        if (p.gene === undefined) {
          if (value !== p.fixed) return `${name} is fixed at ${show(p.fixed)}, got ${show(value)}`;
          continue;
        }
        const x = geneCoordinate(this.genes[p.gene]!, value);
        if (x === undefined) return `${name} = ${show(value)} is not one of the space's values`;
        point[p.gene] = x;
      }
    }
    return undefined;
  }

  private enumerateTechnique(layout: TechniqueLayout): (Fields | undefined)[] | undefined {
    const genes = layout.params.filter((p) => p.gene !== undefined).map((p) => this.genes[p.gene!]!);
    const count = genes.reduce((n, g) => n * geneCardinality(g), 1);
    if (!Number.isFinite(count) || count > MAX_ENUMERATED_PER_TECHNIQUE) return undefined;
    const valueLists = genes.map(geneValues);
    const settings: (Fields | undefined)[] = layout.optional ? [undefined] : [];
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      const fields: Fields = {};
      let rest = i;
      let g = genes.length - 1;
      for (let k = layout.params.length - 1; k >= 0; k--) {
        const p = layout.params[k]!;
        if (p.gene === undefined) {
          fields[p.param] = p.fixed!;
          continue;
        }
        const values = valueLists[g--]!;
        fields[p.param] = values[rest % values.length]!;
        rest = Math.floor(rest / values.length);
      }
      const candidate = { [layout.technique]: fields };
      if (recipeProblem(candidate) !== undefined) continue;
      // Different settings can be one recipe (a scope is meaningless for channel pruning).
      const canonical = (canonicalRecipe(candidate) as Record<string, Fields>)[layout.technique]!;
      const key = JSON.stringify(canonical);
      if (seen.has(key)) continue;
      seen.add(key);
      settings.push(canonical);
    }
    return settings;
  }
}

/** A coordinate drawn uniformly for one gene. */
export function randomCoordinate(gene: Gene, rng: Rng): number {
  if (gene.kind === 'categorical') return rng.int(gene.choices.length);
  if (gene.levels) return gene.levels.length === 1 ? 0 : rng.int(gene.levels.length) / (gene.levels.length - 1);
  return rng.next();
}
