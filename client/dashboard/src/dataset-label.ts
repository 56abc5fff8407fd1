// How the dashboard names a dataset: the built-in one (what the server searches on when a run
// names none) and a registered one, by what helps choose between them.
import { formatCount } from './view.js';

/**
 * The built-in Fashion-MNIST as the server uses it (see DESIGN.md, Domain): 10 classes × 7000
 * gray 28×28 images. It has no registry record, so the `datasets` query does not list it.
 */
export const BUILTIN_DATASET = { name: 'fashion-mnist', classes: 10, imageCount: 70_000, shape: [1, 28, 28] } as const;

/** What the form and the run page show of a dataset. */
export interface DatasetFacts {
  readonly name: string;
  readonly shape: readonly number[];
  readonly imageCount: number;
  readonly classes: number;
}

/** "fashion-mnist — 10 classes, 70.0 k images of [1, 28, 28] (C, H, W)". */
export function datasetLabel(d: DatasetFacts): string {
  return `${d.name} — ${d.classes} classes, ${formatCount(d.imageCount)} images of ${shapeText(d.shape)} (C, H, W)`;
}

export function builtinLabel(): string {
  return `${datasetLabel(BUILTIN_DATASET)}, built in`;
}

export function shapeText(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}
