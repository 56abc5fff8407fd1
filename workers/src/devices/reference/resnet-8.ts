import type { Model } from '../../onnx/model.js';
import { ReferenceNet, type Activation, type ReferencePrecision } from './reference-net.js';

/**
 * The MLPerf Tiny image-classification reference model, ResNet-8 for CIFAR-10, with the shapes of
 * its reference definition (mlcommons/tiny, benchmark/training/image_classification/keras_model.py,
 * `resnet_v1_eembc`): input 32×32×3; Conv 3×3 to 16; three residual stacks of two 3×3 convs with
 * 16, 32 (stride 2) and 64 (stride 2) filters, the strided stacks with a 1×1 stride-2 projection
 * on the shortcut; average pool; dense to 10 classes; softmax. 12.5 M MACs.
 */
export function resNet8(precision: ReferencePrecision, seed = 3): Model {
  const net = new ReferenceNet('resnet-8', precision, seed);
  let x: Activation = net.conv(net.input([3, 32, 32]), { out: 16, kernel: [3, 3], name: 'conv0' });
  ([[16, 1], [32, 2], [64, 2]] as const).forEach(([out, stride], i) => {
    const s = `stack${i + 1}`;
    const y = net.conv(net.conv(x, { out, kernel: [3, 3], stride, name: `${s}.conv1` }), { out, kernel: [3, 3], relu: false, name: `${s}.conv2` });
    const shortcut = stride === 1 ? x : net.conv(x, { out, kernel: [1, 1], stride, relu: false, name: `${s}.proj` });
    x = net.addRelu(y, shortcut, `${s}.add`);
  });
  return net.head(x, 10);
}
