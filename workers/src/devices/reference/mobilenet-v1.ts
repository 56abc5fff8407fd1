import type { Model } from '../../onnx/model.js';
import { ReferenceNet, type ReferencePrecision } from './reference-net.js';

/**
 * Pointwise widths and depthwise strides of the 13 separable blocks of MobileNetV1 (Howard et al.,
 * "MobileNets", 2017, Table 1) at width multiplier α = 0.25, as the MLPerf Tiny visual-wake-words
 * reference defines them (mlcommons/tiny, benchmark/training/visual_wake_words/vww_model.py,
 * `mobilenet_v1`: 8 filters in the first conv, then 16, 32 (s2), 32, 64 (s2), 64, 128 (s2),
 * 5 × 128, 256 (s2), 256).
 */
const BLOCKS: readonly (readonly [number, number])[] = [
  [16, 1], [32, 2], [32, 1], [64, 2], [64, 1], [128, 2],
  [128, 1], [128, 1], [128, 1], [128, 1], [128, 1], [256, 2], [256, 1],
];

/**
 * The MLPerf Tiny visual-wake-words reference model: MobileNetV1 α = 0.25 on a 96×96×3 image;
 * Conv 3×3 stride 2 to 8 channels, 13 depthwise-separable blocks (`BLOCKS`), average pool, dense
 * to 2 classes, softmax. 7.49 M MACs, as MLPerf Tiny quotes for `vww`.
 */
export function mobileNetV1(precision: ReferencePrecision, seed = 2): Model {
  const net = new ReferenceNet('mobilenet-v1-0.25', precision, seed);
  let x = net.conv(net.input([3, 96, 96]), { out: 8, kernel: [3, 3], stride: 2, name: 'conv0' });
  BLOCKS.forEach(([out, stride], i) => {
    x = net.conv(x, { out: x.channels, kernel: [3, 3], stride, depthwise: true, name: `dw${i + 1}` });
    x = net.conv(x, { out, kernel: [1, 1], name: `pw${i + 1}` });
  });
  return net.head(x, 2);
}
