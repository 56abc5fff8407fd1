import { WorkersError } from '../errors.js';
import { intAttr } from '../onnx/attributes.js';
import { DataType, type Model, type Node, type Tensor } from '../onnx/model.js';
import type { InferredShapes } from '../onnx/shape-inference.js';
import { bitsPerElement, elementCount } from '../onnx/tensor.js';
import { integerCodeBits, weightStorage, type WeightFormat } from './weight-storage.js';

/**
 * Model metadata key under which a compression kernel may declare the bit width of weights it
 * stores in a wider container (fake-quantized float weights): a JSON object `{ tensorName: bits }`.
 */
export const WEIGHT_BITS_METADATA_KEY = 'frontier.weight_bits';

/** One stored weight tensor and the bytes it takes on a device. */
export interface ModelWeight {
  readonly name: string;
  readonly elements: number;
  /** Bits per stored value on the device (see `weightBitsOf`). */
  readonly bits: number;
  /** Elements that are not zero (quantized codes: not the zero point). */
  readonly nonzero: number;
  /** Bytes in the deploy format (storage): packed, sparse ones behind a bitmap. */
  readonly bytes: number;
  readonly format: WeightFormat;
  /**
   * Bytes once a runtime has loaded it into RAM for dense kernels: packed at `bits`, zeros stored
   * (runtimes with weights in RAM expand the bitmap; none of the catalogue's exploits sparsity).
   */
  readonly denseBytes: number;
}

/** Ops whose output shares the input's buffer; their shape input is not a weight. */
export const VIEW_OPS: ReadonlySet<string> = new Set(['Reshape', 'Flatten', 'Identity', 'Dropout']);

const INTEGER_CODES: ReadonlySet<DataType> = new Set<DataType>([DataType.INT8, DataType.UINT8, DataType.INT4, DataType.UINT4]);

/**
 * Every constant a node reads (initializers and Constant outputs), except INT64 shape and axis
 * tensors: weights, biases, and quantization scales and zero points, which a deployed model
 * stores too. Bits per value: a width declared by `weightBits` or the model metadata
 * (`WEIGHT_BITS_METADATA_KEY`); for integer codes read by DequantizeLinear, the narrowest width
 * that holds them (`integerCodeBits`: 4-bit codes in an INT8 container count as 4 bits); else the
 * element size of the stored type.
 */
export function modelWeights(model: Model, shapes: InferredShapes, weightBits: Readonly<Record<string, number>> = {}): ModelWeight[] {
  const declared = { ...declaredWeightBits(model), ...weightBits };
  const dequantizedBy = new Map<string, Node>();
  const used = new Set<string>();
  for (const node of shapes.order) {
    if (node.opType === 'Constant') continue;
    const inputs = VIEW_OPS.has(node.opType) ? node.inputs.slice(0, 1) : node.inputs;
    for (const name of inputs) if (shapes.constants.has(name)) used.add(name);
    if (node.opType === 'DequantizeLinear') dequantizedBy.set(node.inputs[0] ?? '', node);
  }
  const out: ModelWeight[] = [];
  for (const name of used) {
    const t = shapes.constants.get(name)!;
    if (t.dataType === DataType.INT64 || t.dataType === DataType.STRING) continue;
    const dq = dequantizedBy.get(name);
    const zeroPointOf = dq ? zeroPoints(t, dq, shapes) : () => 0;
    let nonzero = 0;
    for (let i = 0; i < t.data.length; i++) if (Number(t.data[i]) !== zeroPointOf(i)) nonzero++;
    const bits = declared[name] ?? (dq && INTEGER_CODES.has(t.dataType) ? integerCodeBits(t.data as ArrayLike<number>, zeroPointOf, bitsPerElement(t.dataType)) : bitsPerElement(t.dataType));
    const elements = elementCount(t.dims);
    out.push({ name, elements, bits, nonzero, ...weightStorage({ elements, bits, nonzero }), denseBytes: Math.ceil((elements * bits) / 8) });
  }
  return out;
}

/** The `{ tensor: bits }` declaration in the model metadata, checked; {} when there is none. */
export function declaredWeightBits(model: Model): Record<string, number> {
  const text = model.metadata[WEIGHT_BITS_METADATA_KEY];
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WorkersError('BAD_MODEL', `metadata ${WEIGHT_BITS_METADATA_KEY} must be a JSON object, got ${JSON.stringify(text)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WorkersError('BAD_MODEL', `metadata ${WEIGHT_BITS_METADATA_KEY} must be a JSON object, got ${text}`);
  }
  const out: Record<string, number> = {};
  for (const [name, bits] of Object.entries(parsed)) {
    if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 1 || bits > 32) {
      throw new WorkersError('BAD_MODEL', `metadata ${WEIGHT_BITS_METADATA_KEY}: bits of "${name}" must be an integer in [1, 32], got ${JSON.stringify(bits)}`);
    }
    out[name] = bits;
  }
  return out;
}

/**
 * The zero point of each element of a DequantizeLinear input: a scalar, or one per slice along
 * `axis` (per-channel). Blocked zero points (opset 21 `block_size`) are not resolved: 0 is used,
 * which only makes the width and sparsity counts conservative.
 */
function zeroPoints(t: Tensor, dq: Node, shapes: InferredShapes): (i: number) => number {
  const zp = shapes.constants.get(dq.inputs[2] ?? '');
  if (!zp || zp.data.length === 0) return () => 0;
  if (zp.data.length === 1) {
    const z = Number(zp.data[0]);
    return () => z;
  }
  const rank = t.dims.length;
  const axis = (intAttr(dq, 'axis', 1) + rank) % rank;
  if (zp.dims.length !== 1 || zp.data.length !== t.dims[axis]) return () => 0;
  const inner = elementCount(t.dims.slice(axis + 1));
  const channels = t.dims[axis];
  return (i) => Number(zp.data[Math.floor(i / inner) % channels]);
}
