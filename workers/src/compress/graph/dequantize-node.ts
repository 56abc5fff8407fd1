import { DataType, type Node, type Tensor } from '../../onnx/model.js';
import { floatTensor, makeTensor } from '../../onnx/tensor.js';
import type { QuantizedTensor } from '../math/quant-params.js';
import type { Namer } from './edit.js';

/** Integer storage types for DequantizeLinear inputs. */
export type CodeType = typeof DataType.INT8 | typeof DataType.UINT8 | typeof DataType.INT4 | typeof DataType.UINT4;

/** The storage type holding codes of a range: 8-bit containers up to 8 bits, 4-bit ones up to 4. */
export function codeType(q: QuantizedTensor, packed4: boolean): CodeType {
  if (packed4 && q.range.bits <= 4) return q.range.signed ? DataType.INT4 : DataType.UINT4;
  return q.range.signed ? DataType.INT8 : DataType.UINT8;
}

function codes(name: string, type: CodeType, dims: readonly number[], values: Int32Array): Tensor {
  const signed = type === DataType.INT8 || type === DataType.INT4;
  return makeTensor(name, type, dims, signed ? Int8Array.from(values) : Uint8Array.from(values));
}

/**
 * The initializers and the DequantizeLinear node that rebuild a float tensor from its codes:
 * y = (x − zero_point) · scale, per axis when the tensor has one scale per channel. The zero point
 * is omitted when it is 0 everywhere (symmetric codes).
 */
export function dequantizeNode(options: {
  readonly name: string;
  readonly dims: readonly number[];
  readonly q: QuantizedTensor;
  readonly axis: number | undefined;
  readonly type: CodeType;
  readonly output: string;
  readonly namer: Namer;
  /** Store the zero point even when it is 0 everywhere. */
  readonly explicitZeroPoint?: boolean;
}): { node: Node; tensors: Tensor[] } {
  const { q, namer } = options;
  const perChannel = options.axis !== undefined;
  const paramDims = perChannel ? [q.scales.length] : [];
  const codeTensor = codes(namer.fresh(`${options.name}_quantized`), options.type, options.dims, q.codes);
  const scale = floatTensor(namer.fresh(`${options.name}_scale`), paramDims, q.scales);
  const tensors = [codeTensor, scale];
  const inputs = [codeTensor.name, scale.name];
  if (options.explicitZeroPoint || q.zeroPoints.some((z) => z !== 0)) {
    const zp = codes(namer.fresh(`${options.name}_zero_point`), options.type, paramDims, q.zeroPoints);
    tensors.push(zp);
    inputs.push(zp.name);
  }
  const node: Node = {
    name: namer.fresh(`${options.name}_DequantizeLinear`),
    opType: 'DequantizeLinear',
    domain: '',
    inputs,
    outputs: [options.output],
    attributes: perChannel ? { axis: { type: 'int', value: options.axis } } : {},
  };
  return { node, tensors };
}
