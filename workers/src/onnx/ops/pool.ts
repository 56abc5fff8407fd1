import { intsAttr } from '../attributes.js';
import type { OpSpec } from './op-spec.js';
import { nodeError, requireInput } from './shape-utils.js';
import { window2d } from './window.js';

function pool(opType: string): OpSpec {
  return {
    opType,
    inferShapes(ctx) {
      const x = requireInput(ctx, 0, 4);
      const kernel = intsAttr(ctx.node, 'kernel_shape', undefined);
      if (!kernel) throw nodeError(ctx.node, 'kernel_shape is required');
      if (ctx.node.outputs.filter((o) => o !== '').length > 1) throw nodeError(ctx.node, 'the Indices output is not supported');
      const [n, c, h, w] = x.dims as [number, number, number, number];
      const win = window2d(ctx.node, h, w, kernel);
      return [{ elemType: x.elemType, dims: [n, c, win.outH, win.outW] }];
    },
    macs: () => 0,
  };
}

export const maxPool = pool('MaxPool');
export const averagePool = pool('AveragePool');

/** GlobalAveragePool: [N, C, H, W] → [N, C, 1, 1]. */
export const globalAveragePool: OpSpec = {
  opType: 'GlobalAveragePool',
  inferShapes(ctx) {
    const x = requireInput(ctx, 0, 4);
    return [{ elemType: x.elemType, dims: [x.dims[0]!, x.dims[1]!, 1, 1] }];
  },
  macs: () => 0,
};
