import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMeasurementsCsv } from './measurements-csv.js';

describe('parseMeasurementsCsv', () => {
  it('reads model,ms rows, skipping a header, blanks and comments', () => {
    const rows = parseMeasurementsCsv('model,ms\n# measured on board 3\na.onnx, 1.5\n\n"dir, with comma/b.onnx",20\r\n');
    assert.deepEqual(rows, [
      { model: 'a.onnx', ms: 1.5, line: 3 },
      { model: 'dir, with comma/b.onnx', ms: 20, line: 5 },
    ]);
    assert.deepEqual(parseMeasurementsCsv('a.onnx,2'), [{ model: 'a.onnx', ms: 2, line: 1 }]);
  });

  it('names the line of a bad row', () => {
    assert.throws(() => parseMeasurementsCsv('a.onnx,1\nb.onnx,fast'), /measurements line 2: ms must be a number, got "fast"/);
    assert.throws(() => parseMeasurementsCsv('a.onnx,1,3'), /measurements line 1: expected 2 fields \(model,ms\), got 3/);
    assert.throws(() => parseMeasurementsCsv('a.onnx,0'), /measurements line 1: ms must be > 0, got 0/);
    assert.throws(() => parseMeasurementsCsv(',4'), /measurements line 1: the model path is empty/);
  });
});
