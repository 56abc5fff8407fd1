import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatLatency } from './search-output.js';

describe('formatLatency', () => {
  it('marks a prediction within its uncertainty of the limit as borderline', () => {
    assert.equal(formatLatency({ ms: 19, source: 'PREDICTED', uncertainty: 0.1 }, 20), '19.000 ms predicted ±10% BORDERLINE (limit 20 ms)');
    assert.equal(formatLatency({ ms: 15, source: 'PREDICTED', uncertainty: 0.1 }, 20), '15.000 ms predicted ±10%');
    assert.equal(formatLatency({ ms: 19, source: 'PREDICTED', uncertainty: 0.1 }, undefined), '19.000 ms predicted ±10%');
  });

  it('never marks a measurement', () => {
    assert.equal(formatLatency({ ms: 20, source: 'MEASURED' }, 20), '20.000 ms measured');
  });
});
