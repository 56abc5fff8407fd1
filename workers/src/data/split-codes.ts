import { WorkersError } from '../errors.js';
import { SPLIT_CODES } from './image-cache.js';
import { Rng } from './rng.js';

/** The splits of a registered dataset: `train` is `fit` and `val` together, as for Fashion-MNIST. */
export type DatasetSplit = 'train' | 'fit' | 'val' | 'test';

/** Fractions of each class drawn into `val` and `test` (the rest is `fit`), and the seed of the draw. */
export interface SplitFractions {
  readonly val: number;
  readonly test: number;
  readonly seed: number;
}

/** Default draw: 10% `val`, 10% `test` of every class. */
export const DEFAULT_SPLIT: SplitFractions = { val: 0.1, test: 0.1, seed: 0 };

/**
 * A seeded stratified split: per class, its images shuffled by `Rng(seed)` (classes in label
 * order), the first ⌈n·test⌉ go to `test`, the next ⌈n·val⌉ to `val`, the rest to `fit`. Rounding
 * up keeps every split of every class non-empty when its fraction is. Throws `BAD_DATASET` naming
 * a class too small to give each split an image, `BAD_ARGUMENT` for bad fractions.
 */
export function stratifiedSplit(o: { readonly labels: Uint8Array; readonly classNames: readonly string[]; readonly fractions: SplitFractions }): Uint8Array {
  const { val, test, seed } = o.fractions;
  if (!(Number.isFinite(val) && val > 0 && val < 1)) throw new WorkersError('BAD_ARGUMENT', `split fraction val must be in (0, 1), got ${val}`);
  // test may be 0 when the images of a test/ folder are already set apart.
  if (!(Number.isFinite(test) && test >= 0 && test < 1)) throw new WorkersError('BAD_ARGUMENT', `split fraction test must be in [0, 1), got ${test}`);
  if (!(val + test < 1)) throw new WorkersError('BAD_ARGUMENT', `split fractions val ${val} + test ${test} leave nothing to fit on`);
  const rng = new Rng(seed);
  const codes = new Uint8Array(o.labels.length);
  o.classNames.forEach((name, k) => {
    const members = Int32Array.from(indicesOf(o.labels, k));
    const nTest = Math.ceil(members.length * test);
    const nVal = Math.ceil(members.length * val);
    if (members.length - nTest - nVal < 1) {
      throw new WorkersError(
        'BAD_DATASET',
        `class "${name}" has ${members.length} image(s): too few for a split of val ${val} and test ${test} that leaves one to fit on`,
        { className: name, count: members.length },
      );
    }
    const order = rng.shuffle(members);
    order.subarray(0, nTest).forEach((i) => (codes[i] = SPLIT_CODES.test));
    order.subarray(nTest, nTest + nVal).forEach((i) => (codes[i] = SPLIT_CODES.val));
  });
  return codes;
}

/**
 * Indices of a split's images, class-interleaved (round robin over the classes, file order within
 * a class) so that any prefix is near class-balanced — as for Fashion-MNIST, where `limit`ed
 * evaluations and evenly strided calibration samples rely on it.
 */
export function splitIndices(o: { readonly codes: Uint8Array; readonly labels: Uint8Array; readonly classes: number; readonly split: DatasetSplit }): Int32Array {
  const wanted = (code: number) => (o.split === 'train' ? code !== SPLIT_CODES.test : code === SPLIT_CODES[o.split]);
  const byClass: number[][] = Array.from({ length: o.classes }, () => []);
  for (let i = 0; i < o.codes.length; i++) if (wanted(o.codes[i]!)) byClass[o.labels[i]!]!.push(i);
  const out: number[] = [];
  const longest = Math.max(0, ...byClass.map((l) => l.length));
  for (let j = 0; j < longest; j++) for (const list of byClass) if (j < list.length) out.push(list[j]!);
  return Int32Array.from(out);
}

function* indicesOf(labels: Uint8Array, k: number): Generator<number> {
  for (let i = 0; i < labels.length; i++) if (labels[i] === k) yield i;
}
