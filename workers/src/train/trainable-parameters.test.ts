import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitFrozenPrefix } from './split-frozen-prefix.js';
import { trainableParameters } from './trainable-parameters.js';
import { smallCnn } from '../testing/train/synthetic.js';

describe('trainableParameters and splitFrozenPrefix', () => {
  const model = smallCnn(1);

  it('all layers: weights, biases and BN scale/bias, never running statistics', () => {
    assert.deepEqual(trainableParameters(model, 'all'), ['conv.w', 'conv.b', 'bn.scale', 'bn.bias', 'fc1.w', 'fc1.b', 'fc2.w', 'fc2.b']);
  });

  it('the last k parametric layers', () => {
    assert.deepEqual(trainableParameters(model, { last: 1 }), ['fc2.w', 'fc2.b']);
    assert.throws(() => trainableParameters(model, { last: 4 }), /layers.last must be an integer in \[1, 3\], got 4/);
  });

  it('cuts a frozen prefix ending where the first trained layer reads', () => {
    const split = splitFrozenPrefix(model, trainableParameters(model, { last: 2 }));
    assert.ok(split.prefix);
    assert.equal(split.boundary.length, 1);
    assert.deepEqual(split.boundary[0]!.dims, [36]);
    assert.deepEqual(split.prefix.graph.nodes.map((n) => n.opType), ['Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Flatten']);
    assert.deepEqual(split.suffix.graph.nodes.map((n) => n.opType), ['Gemm', 'Relu', 'Gemm']);
    assert.equal(splitFrozenPrefix(model, trainableParameters(model, 'all')).prefix, undefined);
  });
});
