import type { Model } from '../model.js';
import { foldShapes, partialShapes } from './fold-shapes.js';
import { freeBatch } from './free-batch.js';
import { constantsToInitializers } from './graph-utils.js';
import { dropPassThrough, fusePads, reduceMeanToPool } from './simplify-nodes.js';

/**
 * Rewrites what exporters emit into the forms Frontier's kernels handle, without changing what the
 * model computes: tensor Constants become initializers, pass-through nodes (Identity, inference Dropout) go, shape arithmetic folds into
 * constants (see `foldShapes`), zero Pads fuse into the Conv or AveragePool after them, spatial
 * ReduceMean becomes GlobalAveragePool, and a batch fixed at 1 is freed where that is safe (see
 * `freeBatch`). A model without such forms comes back as it is.
 */
export function normalizeModel(model: Model): Model {
  let m = constantsToInitializers(foldShapes(dropPassThrough(model)));
  m = fusePads(m);
  const shapes = partialShapes(m, 1);
  m = reduceMeanToPool(m, (v) => shapes.get(v)?.dims.length);
  return freeBatch(m);
}
