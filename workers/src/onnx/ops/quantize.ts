import { intAttr, tensorAttr } from '../attributes.js';
import { DataType } from '../model.js';
import type { OpSpec } from './op-spec.js';
import { nodeError, requireInput } from './shape-utils.js';

/** QuantizeLinear: y = saturate(round(x / scale) + zero_point); y's type is the zero point's (UINT8 by default). */
export const quantizeLinear: OpSpec = {
  opType: 'QuantizeLinear',
  inferShapes(ctx) {
    const x = requireInput(ctx, 0);
    const zp = ctx.inputs[2];
    const attrType = intAttr(ctx.node, 'output_dtype', 0);
    const elemType = (zp?.elemType ?? (attrType || DataType.UINT8)) as DataType;
    return [{ elemType, dims: x.dims }];
  },
  macs: () => 0,
};

/** DequantizeLinear: y = (x − zero_point) · scale, in the scale's float type. */
export const dequantizeLinear: OpSpec = {
  opType: 'DequantizeLinear',
  inferShapes(ctx) {
    const x = requireInput(ctx, 0);
    const scale = requireInput(ctx, 1);
    return [{ elemType: scale.elemType, dims: x.dims }];
  },
  macs: () => 0,
};

/** Constant: its `value` tensor (the scalar/list forms are accepted as well). */
export const constant: OpSpec = {
  opType: 'Constant',
  inferShapes(ctx) {
    const t = tensorAttr(ctx.node, 'value');
    if (t) return [{ elemType: t.dataType, dims: t.dims }];
    const a = Object.entries(ctx.node.attributes)[0];
    if (!a) throw nodeError(ctx.node, 'has no value');
    const [name, attr] = a;
    if (name === 'value_float' || name === 'value_int') {
      return [{ elemType: name === 'value_float' ? DataType.FLOAT : DataType.INT64, dims: [] }];
    }
    if ((name === 'value_floats' || name === 'value_ints') && (attr.type === 'floats' || attr.type === 'ints')) {
      return [{ elemType: name === 'value_floats' ? DataType.FLOAT : DataType.INT64, dims: [attr.value.length] }];
    }
    throw nodeError(ctx.node, `value attribute "${name}" is not supported`);
  },
  macs: () => 0,
};
