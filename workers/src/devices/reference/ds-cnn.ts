import type { Model } from '../../onnx/model.js';
import { ReferenceNet, type ReferencePrecision } from './reference-net.js';

/**
 * The MLPerf Tiny keyword-spotting reference model, DS-CNN (Zhang et al., "Hello Edge: Keyword
 * Spotting on Microcontrollers", 2017), with the layer shapes of the benchmark's reference
 * definition (mlcommons/tiny, benchmark/training/keyword_spotting/keras_model.py, `ds_cnn`):
 * input 49×10×1 MFCC; Conv 64 filters 10×4 stride 2 "same" → 25×5×64; four blocks of depthwise
 * 3×3 + pointwise 1×1 to 64 channels, each with batch norm and ReLU; average pool; dense to 12
 * classes; softmax. 2.66 M MACs, as MLPerf Tiny quotes for `kws`.
 */
export function dsCnn(precision: ReferencePrecision, seed = 1): Model {
  const net = new ReferenceNet('ds-cnn', precision, seed);
  let x = net.conv(net.input([1, 49, 10]), { out: 64, kernel: [10, 4], stride: 2, name: 'conv0' });
  for (let i = 1; i <= 4; i++) {
    x = net.conv(x, { out: 64, kernel: [3, 3], depthwise: true, name: `dw${i}` });
    x = net.conv(x, { out: 64, kernel: [1, 1], name: `pw${i}` });
  }
  return net.head(x, 12);
}
